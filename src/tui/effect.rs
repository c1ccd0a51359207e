//! What `update` asks of the world outside the state (store writes, a browser) and what comes
//! back: `update` returns effects, the runtime performs them and feeds each outcome back as a
//! message. Writes and store reads alike: `update` itself never touches the store.

use super::desk::{Desk, DeskResult, Saving, Standing};
use super::keymap::Key;
use super::read::{Answer, Read, Then};
use crate::domain::calibration::CardKey;
use crate::domain::decision::Decision;
use crate::domain::ids::CardId;
use crate::domain::review::{Review, ReviewDraft};
use crate::domain::stored_review::ReviewedCard;

/// What reaches `update`: a key, a pause in the keys, or an effect's outcome.
pub enum Msg {
    Key(Key),
    /// The keys paused (the loop's timeout).
    Tick,
    Done(Box<Outcome>),
    /// The terminal closed (SIGHUP): quit as `q` does, asking nothing (nobody is there).
    HangUp,
}

/// Work for the runtime. Each produces exactly one [`Outcome`].
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Writes a verdict; durable (in the store, or in the pending journal when another process
    /// holds the write lock) before the outcome says so.
    SaveVerdict { card: ReviewedCard, review: Review },
    /// Tries the journaled verdict again.
    RetryVerdict,
    /// Writes every verdict kept in the journal (the link to the server is back).
    Flush,
    /// Withdraws a verdict (undo); `take_back`: its card, taken back for the auditor on a
    /// queue taken by claim (the undo puts it on screen again).
    WithdrawReview {
        id: String,
        take_back: Option<CardId>,
    },
    /// Keeps the review being built on the card (the comment being typed included) as the
    /// auditor's draft.
    SaveDraft {
        card_id: CardId,
        draft: ReviewDraft,
        then: AfterDraft,
    },
    /// Records the lead's decision on row `row` of the lead's list (a review of `card`), given
    /// on the card drawn with digest `seen` (`None`: not compared).
    Decide {
        row: usize,
        review_id: String,
        card: CardKey,
        decision: Decision,
        seen: Option<i64>,
    },
    /// Withdraws the lead's decision `id` on row `row` (undo).
    WithdrawDecision {
        row: usize,
        id: String,
        review_id: String,
        card: CardKey,
    },
    /// Opens an address in the browser.
    OpenUrl(String),
    /// A pause in the keys: the store's log is folded in now rather than on a verdict's commit.
    Idle,
    /// A store read (a queue's page, a card, the stats): the runtime's reader thread performs
    /// it while keys go on.
    Read(Read),
    /// Gives the auditor's claims on these cards back (a skip, leaving the queue, quitting).
    Release(Vec<CardId>),
    /// Holds the auditor's claims on these cards another lease (still on screen).
    Renew(Vec<CardId>),
}

impl Effect {
    /// A read, not a write: the runtime performs it beside the writes, and keys do not wait
    /// for it (unless the state holds them, see `State::holds_keys`).
    pub fn is_read(&self) -> bool {
        matches!(self, Effect::Read(_))
    }
}

/// Why a draft is being saved: what follows once it is in.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterDraft {
    /// A pause in the keys: the card (and a comment box open on it) stays.
    Keep,
    /// The card is being left: a draft the store refused is said on the status line, as the
    /// card it belongs to is no longer on screen to keep it.
    Leave,
    /// The box closes and the card keeps the comment.
    Close,
    /// The app quits; `asked_before`: a busy store was already reported once.
    Quit { asked_before: bool },
}

/// What came of an [`Effect`].
#[derive(Debug)]
pub enum Outcome {
    Verdict {
        /// A retry of the journaled verdict (else the first try).
        retry: bool,
        /// `None`: no verdict was waiting (a retry only).
        result: Option<DeskResult<Saving>>,
    },
    /// Verdicts kept in the journal written to the store: how many, and why the rest wait.
    Flushed {
        written: usize,
        result: DeskResult<()>,
    },
    /// The link to the server was lost (`up: false`: nothing answered in time, or the
    /// connection dropped; what was under way is answered as not done, verdicts kept here) or
    /// is back (a new connection; not an effect's outcome: the runtime sends both).
    Link {
        up: bool,
    },
    /// Verdict `id` withdrawn; `Some(auditor)`: its card is another auditor's (their
    /// unexpired claim), not taken back.
    ReviewWithdrawn {
        id: String,
        result: DeskResult<Option<String>>,
    },
    DraftSaved {
        card_id: CardId,
        draft: ReviewDraft,
        then: AfterDraft,
        result: DeskResult<()>,
    },
    /// The decision's id, and the review's standing decision and the card's settling one as
    /// the store now has them.
    Decided {
        row: usize,
        decision: Decision,
        result: DeskResult<(String, Standing)>,
    },
    /// The review's standing decision and the card's settling one once the withdrawn one is
    /// gone.
    DecisionWithdrawn {
        row: usize,
        result: DeskResult<Standing>,
    },
    UrlOpened {
        url: String,
        opened: bool,
    },
    Idled(DeskResult<()>),
    /// Claims released or renewed.
    Held(DeskResult<()>),
    /// Another auditor or the lead wrote (not an effect's outcome: the runtime's watcher
    /// sends it): figures on screen may be stale.
    OthersActed,
    /// The store's applied funnel, as the watcher found it (at its start and after others'
    /// writes): its version's number and fingerprint.
    FunnelApplied {
        version: i64,
        hash: String,
    },
    Read {
        ticket: u64,
        then: Then,
        result: DeskResult<Answer>,
    },
}

/// Performs one effect against the store (and the browser), as the runtime does.
pub fn perform(effect: Effect, desk: &mut Desk, open_url: fn(&str) -> bool) -> Outcome {
    match effect {
        Effect::SaveVerdict { card, review } => Outcome::Verdict {
            retry: false,
            result: Some(desk.save(&card, &review)),
        },
        Effect::RetryVerdict => Outcome::Verdict {
            retry: true,
            result: desk.retry(),
        },
        Effect::Flush => {
            let (written, result) = desk.flush();
            Outcome::Flushed { written, result }
        }
        Effect::WithdrawReview { id, take_back } => Outcome::ReviewWithdrawn {
            result: desk.withdraw_taking_back(&id, take_back),
            id,
        },
        Effect::SaveDraft {
            card_id,
            draft,
            then,
        } => Outcome::DraftSaved {
            result: desk.save_draft(card_id, &draft),
            card_id,
            draft,
            then,
        },
        Effect::Decide {
            row,
            review_id,
            card,
            decision,
            seen,
        } => Outcome::Decided {
            row,
            result: match seen {
                Some(seen) => desk.decide_as_seen(&review_id, &decision, seen),
                None => desk.decide(&review_id, &decision),
            }
            .and_then(|id| Ok((id, desk.standing(&review_id, &card)?))),
            decision,
        },
        Effect::WithdrawDecision {
            row,
            id,
            review_id,
            card,
        } => Outcome::DecisionWithdrawn {
            row,
            result: desk
                .withdraw_decision(&id)
                .and_then(|()| desk.standing(&review_id, &card)),
        },
        Effect::OpenUrl(url) => Outcome::UrlOpened {
            opened: open_url(&url),
            url,
        },
        Effect::Idle => Outcome::Idled(desk.idle()),
        Effect::Read(read) => read_outcome(read, desk),
        Effect::Release(cards) => Outcome::Held(desk.release(&cards)),
        Effect::Renew(cards) => Outcome::Held(desk.renew(&cards)),
    }
}

/// What comes of `effect` with no connection to the server: a verdict is kept in the journal on
/// this machine (where the writer that stopped answering may have kept it already), and its
/// undo taken back there; every other write and read is answered "no connection", and a lease
/// or the log's upkeep is let be (a lease runs out by itself). Touches nothing but this
/// machine.
pub fn unreachable(effect: Effect, desk: &Desk, open_url: fn(&str) -> bool) -> Outcome {
    let no = || crate::domain::store_error::StoreError::Unreachable {
        source: "no answer from the server".into(),
    };
    match effect {
        Effect::SaveVerdict { card, review } => Outcome::Verdict {
            retry: false,
            result: Some(match desk.kept_as(&card, &review) {
                Some(id) => Ok(Saving::Kept(id)),
                None => desk.keep_here(&card, &review),
            }),
        },
        Effect::RetryVerdict => Outcome::Verdict {
            retry: true,
            result: desk.last_kept().map(|id| Ok(Saving::Kept(id))),
        },
        Effect::Flush => Outcome::Flushed {
            written: 0,
            result: Err(no()),
        },
        // A verdict the journal still holds is undone here; one the server has waits for it.
        Effect::WithdrawReview { id, .. } => Outcome::ReviewWithdrawn {
            result: match desk.take_back_kept(&id) {
                Ok(super::kept::TakenBack::NotKept) => Err(no()),
                Ok(_) => Ok(None),
                Err(e) => Err(e),
            },
            id,
        },
        Effect::SaveDraft {
            card_id,
            draft,
            then,
        } => Outcome::DraftSaved {
            card_id,
            draft,
            then,
            result: Err(no()),
        },
        Effect::Decide { row, decision, .. } => Outcome::Decided {
            row,
            decision,
            result: Err(no()),
        },
        Effect::WithdrawDecision { row, .. } => Outcome::DecisionWithdrawn {
            row,
            result: Err(no()),
        },
        Effect::OpenUrl(url) => Outcome::UrlOpened {
            opened: open_url(&url),
            url,
        },
        Effect::Idle => Outcome::Idled(Ok(())),
        Effect::Release(_) | Effect::Renew(_) => Outcome::Held(Ok(())),
        Effect::Read(read) => Outcome::Read {
            ticket: read.ticket,
            then: read.then,
            result: Err(no()),
        },
    }
}

/// The result is "no connection to the server".
fn lost<T>(r: &DeskResult<T>) -> bool {
    r.as_ref().is_err_and(|e| e.is_unreachable())
}

impl Outcome {
    /// The answer says the server cannot be reached (the connection under it is gone).
    pub fn lost_link(&self) -> bool {
        match self {
            Outcome::Verdict {
                result: Some(Ok(Saving::Kept(_))),
                ..
            } => true,
            Outcome::Verdict {
                result: Some(Err(e)),
                ..
            } => e.is_unreachable(),
            Outcome::Flushed { result, .. } => lost(result),
            Outcome::ReviewWithdrawn { result, .. } => lost(result),
            Outcome::DraftSaved { result, .. } => lost(result),
            Outcome::Decided { result, .. } => lost(result),
            Outcome::DecisionWithdrawn { result, .. } => lost(result),
            Outcome::Idled(r) | Outcome::Held(r) => lost(r),
            Outcome::Read { result, .. } => lost(result),
            _ => false,
        }
    }
}

/// Performs a read: it needs no more than a shared desk.
pub fn read_outcome(read: Read, desk: &Desk) -> Outcome {
    Outcome::Read {
        result: super::read::perform(&read.ask, desk),
        ticket: read.ticket,
        then: read.then,
    }
}

/// How long a browser's launcher is waited for to fail before the address counts as opened.
const LAUNCH_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);

/// Opens the address in the browser. `false` when this machine has none to open (no graphical
/// session and no `$BROWSER`) or the one it has did not start: the caller shows the address to
/// copy instead.
pub fn open_in_browser(url: &str) -> bool {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let has = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
        if !has("DISPLAY") && !has("WAYLAND_DISPLAY") && !has("BROWSER") {
            return false;
        }
    }
    let url = url.to_string();
    launched(move || open::that(&url).is_ok(), LAUNCH_WAIT)
}

/// Whether `launch` started the browser: it failed within `wait`, or not. A launcher that
/// gives the browser its own process returns at once; one that runs it (xdg-open with a
/// `$BROWSER` of its own) returns only when the browser closes, so one still running after
/// `wait` has started it. (Not told apart before, a display with no browser that would run
/// said «opened in the browser».)
fn launched(launch: impl FnOnce() -> bool + Send + 'static, wait: std::time::Duration) -> bool {
    let (told, answer) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = told.send(launch());
    });
    match answer.recv_timeout(wait) {
        Ok(started) => started,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => true,
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::launched;
    use std::time::Duration;

    #[test]
    fn a_launcher_that_fails_at_once_opened_nothing_and_one_still_running_opened_the_browser() {
        // A launcher that ends is waited for as long as it takes on a loaded machine (a
        // panic's backtrace, printed, took longer than 300 ms); one that runs on, briefly.
        let ends = Duration::from_secs(30);
        assert!(
            !launched(|| false, ends),
            "failed: the address is shown to copy"
        );
        assert!(launched(|| true, ends));
        let running = || {
            std::thread::sleep(Duration::from_secs(2));
            false
        };
        let wait = Duration::from_millis(300);
        assert!(launched(running, wait), "still running: the browser is up");
        assert!(!launched(|| panic!("no launcher"), ends));
    }
}
