//! What `update` asks of the world outside the state (store writes, a browser) and what comes
//! back: `update` returns effects, the runtime performs them and feeds each outcome back as a
//! message. Reads stay queries `update` makes through a read-only desk; every write is here.

use super::desk::{Desk, DeskResult, Saving};
use super::keymap::Key;
use crate::domain::decision::{Decision, LeadDecision};
use crate::domain::review::Review;
use crate::domain::stored_review::ReviewedCard;

/// What reaches `update`: a key, a pause in the keys, or an effect's outcome.
pub enum Msg {
    Key(Key),
    /// The keys paused (the loop's timeout).
    Tick,
    Done(Box<Outcome>),
}

/// Work for the runtime. Each produces exactly one [`Outcome`].
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Writes a verdict; durable (in the store, or in the pending journal when another process
    /// holds the write lock) before the outcome says so.
    SaveVerdict { card: ReviewedCard, review: Review },
    /// Tries the journaled verdict again.
    RetryVerdict,
    /// Withdraws a verdict (undo).
    WithdrawReview { id: String },
    /// Keeps the comment being typed as the card's draft.
    SaveDraft {
        card_id: crate::domain::ids::CardId,
        comment: String,
        then: AfterDraft,
    },
    /// Records the lead's decision on row `row` of the lead's list.
    Decide {
        row: usize,
        review_id: String,
        decision: Decision,
    },
    /// Withdraws the lead's decision `id` on row `row` (undo).
    WithdrawDecision {
        row: usize,
        id: String,
        review_id: String,
    },
    /// Opens an address in the browser.
    OpenUrl(String),
    /// A pause in the keys: the store's log is folded in now rather than on a verdict's commit.
    Idle,
}

/// Why a comment draft is being saved: what follows once it is in.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterDraft {
    /// A pause in the typing: the box stays open.
    Keep,
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
    ReviewWithdrawn(DeskResult<()>),
    DraftSaved {
        comment: String,
        then: AfterDraft,
        result: DeskResult<()>,
    },
    /// The decision's id and the review's standing decision as the store now has it.
    Decided {
        row: usize,
        decision: Decision,
        result: DeskResult<(String, Option<LeadDecision>)>,
    },
    /// The review's standing decision once the withdrawn one is gone.
    DecisionWithdrawn {
        row: usize,
        result: DeskResult<Option<LeadDecision>>,
    },
    UrlOpened {
        url: String,
        opened: bool,
    },
    Idled(DeskResult<()>),
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
        Effect::WithdrawReview { id } => Outcome::ReviewWithdrawn(desk.withdraw(&id)),
        Effect::SaveDraft {
            card_id,
            comment,
            then,
        } => Outcome::DraftSaved {
            result: desk.save_draft(card_id, &comment),
            comment,
            then,
        },
        Effect::Decide {
            row,
            review_id,
            decision,
        } => Outcome::Decided {
            row,
            result: desk
                .decide(&review_id, &decision)
                .and_then(|id| Ok((id, desk.latest_decision(&review_id)?))),
            decision,
        },
        Effect::WithdrawDecision { row, id, review_id } => Outcome::DecisionWithdrawn {
            row,
            result: desk
                .withdraw_decision(&id)
                .and_then(|()| desk.latest_decision(&review_id)),
        },
        Effect::OpenUrl(url) => Outcome::UrlOpened {
            opened: open_url(&url),
            url,
        },
        Effect::Idle => Outcome::Idled(desk.idle()),
    }
}

/// Opens the address in the browser. `false` when this machine has none to open (no graphical
/// session and no `$BROWSER`): the caller shows the address to copy instead.
pub fn open_in_browser(url: &str) -> bool {
    #[cfg(all(unix, not(target_os = "macos")))]
    {
        let has = |v: &str| std::env::var_os(v).is_some_and(|s| !s.is_empty());
        if !has("DISPLAY") && !has("WAYLAND_DISPLAY") && !has("BROWSER") {
            return false;
        }
    }
    open::that_detached(url).is_ok()
}
