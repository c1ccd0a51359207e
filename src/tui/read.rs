//! The store reads `update` asks for: what each asks, what it answers and what the screen does
//! with the answer. The runtime performs them on its reader thread (tests: in order, here).

use super::desk::{Desk, DeskResult, StageRow};
use crate::domain::analytics::StatsFigures;
use crate::domain::card_detail::CardDetail;
use crate::domain::crm_stage::AccountStages;
use crate::domain::decision::LeadDecision;
use crate::domain::fill::FillRow;
use crate::domain::ids::CardId;
use crate::domain::lead_row::LeadRow;
use crate::domain::queue::{QueueCounts, QueueEntry, QueueKey};
use crate::domain::review::ReviewDraft;
use crate::domain::stored_review::StoredReview;

/// Cards read per page of a queue.
pub const PAGE: usize = 100;
/// The first page: a screenful and some (each card listed costs a few random reads, and a
/// stage opened or a filter typed waits for them).
const FIRST_PAGE: usize = 50;
const BIG_PAGE: usize = 5000;

/// A read, its ticket (see `state::Shared::start_loading`) and what follows its answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub ticket: u64,
    pub ask: Ask,
    pub then: Then,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// The funnel's stages with their figures.
    Stages,
    Pages(Pages),
    /// A card as the store has it now, with the review shown beside it.
    Card {
        card_id: CardId,
        whose: Whose,
    },
    /// Everything `okk stats` computes, and reviews per day over the last 30 days.
    Stats,
    /// How well each custom field is kept per stage (`okk fields`).
    Fields,
    /// The lead's list.
    LeadRows,
    /// The card on screen (the lead's), read again when the store holds it with another digest
    /// than `hash`, the one it was drawn with: an import or a sync changed it meanwhile.
    Changed {
        card_id: CardId,
        hash: i64,
        whose: Whose,
    },
    /// Owners known from the cards (the owner picker on a card of `source`).
    Owners {
        source: String,
    },
    /// The CRMs' own pipelines and stages, as the syncs read them (the stage pickers' marks).
    CrmStages,
    /// A stage's figures (`all`: closed cards without flags counted too).
    Counts {
        row: StageRow,
        all: bool,
        /// A queue taken by claim, unfiltered: the cards given back, which the count of what a
        /// claim may still hand out leaves aside (see [`Desk::claimable`]).
        claimed: Option<Vec<CardId>>,
        /// The cards the open list shows (id, source, external id): those a prune took out
        /// of the store since come back, to leave the list.
        listed: Vec<(CardId, String, String)>,
        /// The card on screen and the digest it was read with: read again, it comes back
        /// when the store holds it changed (an import, a sync wrote it meanwhile).
        on_screen: Option<(CardId, i64)>,
        /// On a list read whole from the start (unclaimed, unfiltered): how many of its first
        /// cards to read again, so that their titles, marks and what is owed again show.
        relist: Option<usize>,
        /// Asked again for a refresh whose answer was dropped: read what others changed even
        /// when the store says only this desk's own writes came since it last asked.
        again: bool,
    },
}

/// Pages of a stage's queue until item `want` is loaded or the queue ends, after the `have`
/// items loaded (`after`: the last of them that is not a calibration card).
#[derive(Debug, Clone, PartialEq)]
pub struct Pages {
    pub row: StageRow,
    pub after: Option<QueueKey>,
    pub have: usize,
    pub want: usize,
    pub filter: String,
    pub all: bool,
    /// The stage's figures too, counted with closed cards (`Some(true)`) or without.
    pub counts: Option<bool>,
    /// The queue is taken by claim (a shared store): its next cards are handed out to the
    /// auditor rather than listed.
    pub claim: Option<Claimed>,
}

/// What a queue taken by claim already lists: its cards (not handed out again) and those of
/// them that still want a verdict (held, so the claim gives them back first and renews them).
/// A queue read afresh (its filter changed) lists none of its cards: the held ones the filter
/// keeps come back first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claimed {
    pub listed: Vec<CardId>,
    pub held: Vec<CardId>,
    /// The queue is read again from the start: its list is replaced by this answer.
    pub afresh: bool,
    /// Cards the auditor skipped: a claim that hands one back to them gives it back again.
    pub given_back: Vec<CardId>,
}

/// Cards claimed at most at once ahead of the one wanted (a far jump in the list): what the
/// auditor holds stays what they can look at.
pub const CLAIM_AHEAD: usize = 20;

/// Whose review shows beside the card.
#[derive(Debug, Clone, PartialEq)]
pub enum Whose {
    /// The auditor's own current review, and her draft of the card.
    Mine,
    /// Another auditor's (the lead deciding on review `review_id`, made under the funnel
    /// version of `fingerprint`).
    Of {
        auditor: String,
        review_id: String,
        fingerprint: Option<String>,
    },
}

pub enum Answer {
    Stages(Vec<StageRow>),
    Pages {
        entries: Vec<QueueEntry>,
        exhausted: bool,
        counts: Option<QueueCounts>,
        /// A queue taken by claim, unfiltered: the cards a claim may still hand out, read
        /// after this one's.
        claimable: Option<u64>,
        /// A queue taken by claim read from the start: whether the store holds cards of more
        /// than one source ([`crate::tui::state::Queue::several_sources`]).
        several_sources: Option<bool>,
        /// A queue taken by claim read from the start under `t` or a filter: her judged cards
        /// it keeps that the list leaves out ([`crate::tui::state::Queue::judged_unlisted`]).
        judged_unlisted: Option<u64>,
        /// A filtered list read from the start that lists nothing: the cards it finds that
        /// other auditors judged, and who ([`crate::tui::state::Queue::judged_by_others`]).
        judged_by_others: Vec<crate::domain::queue::JudgedByOthers>,
        /// The cards she left a draft on ([`crate::tui::state::Queue::drafted`]).
        drafted: Vec<CardId>,
    },
    /// `None`: the card is gone from the store.
    Card(Option<Box<CardRead>>),
    Stats {
        figures: Box<StatsFigures>,
        per_day: Vec<u64>,
    },
    Fields(Vec<FillRow>),
    LeadRows(Vec<LeadRow>),
    /// The card on screen as the store holds it now; `None`: as drawn (or gone).
    Changed(Option<Box<CardRead>>),
    Owners(super::picker::Owners),
    CrmStages(AccountStages),
    /// The figures, and what changed in the list under them ([`Counted`]).
    Counts(Box<Counted>),
}

/// A stage's figures read again while its list is open, and what changed under the list.
#[derive(Debug, Default)]
pub struct Counted {
    pub counts: QueueCounts,
    /// What a claim may still hand out, when asked (`Ask::Counts::claimed`).
    pub claimable: Option<u64>,
    /// The cards the lead sent back to her meanwhile, now held for her.
    pub back: Vec<QueueEntry>,
    /// The listed cards the store no longer holds.
    pub gone: Vec<CardId>,
    /// The card on screen read again when it changed.
    pub changed: Option<Box<CardRead>>,
    /// Other auditors' reviews of the card on screen, read again when it did not change:
    /// another auditor may have judged it meanwhile (the card's «whose verdict stands» line).
    pub others_on_screen: Option<(CardId, Vec<crate::domain::others_review::OthersReview>)>,
    /// The list's first cards as the queue lists them now (`Ask::Counts::relist`).
    pub fresh: Option<Vec<QueueEntry>>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Answer::Stages(rows) => write!(f, "Stages({} rows)", rows.len()),
            Answer::Pages {
                entries, exhausted, ..
            } => write!(
                f,
                "Pages({} entries, exhausted: {exhausted})",
                entries.len()
            ),
            Answer::Card(c) => write!(f, "Card({:?})", c.as_ref().map(|c| c.detail.card_id)),
            // The figures are many tables: their name says enough in a log.
            Answer::Stats { .. } => write!(f, "Stats"),
            Answer::Fields(rows) => write!(f, "Fields({} rows)", rows.len()),
            Answer::LeadRows(rows) => write!(f, "LeadRows({} rows)", rows.len()),
            Answer::Changed(c) => write!(f, "Changed({})", c.is_some()),
            Answer::Owners(o) => write!(f, "Owners({} + {})", o.own.len(), o.others.len()),
            Answer::CrmStages(_) => write!(f, "CrmStages"),
            Answer::Counts(c) => write!(
                f,
                "Counts({:?}, {:?}, {} sent back, {} gone, on screen changed: {}, relisted: {:?})",
                c.counts,
                c.claimable,
                c.back.len(),
                c.gone.len(),
                c.changed.is_some(),
                c.fresh.as_ref().map(Vec::len)
            ),
        }
    }
}

#[derive(Debug)]
pub struct CardRead {
    pub detail: CardDetail,
    /// The review shown beside the card.
    pub review: Option<StoredReview>,
    /// The lead's standing decision on it.
    pub decision: Option<LeadDecision>,
    /// The review the auditor left unjudged on the card (newer than her current review: a
    /// verdict takes its draft).
    pub draft: Option<ReviewDraft>,
    /// Other auditors' current reviews of the card, with the lead's word on each (the
    /// auditor's own card; none on the lead's screen, which shows the auditor's review).
    pub others: Vec<crate::domain::others_review::OthersReview>,
    /// The checklist the review answered, where it was made at a stage the funnel no longer
    /// has, as the latest funnel version with that stage had it (the lead's screen only).
    pub past_checklist: Option<Vec<crate::domain::funnel::ChecklistItem>>,
}

/// What the screen does with an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Then {
    /// Shows the stages' figures.
    ShowStages,
    /// Says the open stage is done and which stage is next.
    StageDone,
    /// Opens the next stage with cards to review.
    NextStage,
    /// Opens stage row `row`'s queue filtered by `filter`, and its first card when
    /// `first_card`.
    OpenQueue {
        row: usize,
        filter: String,
        first_card: bool,
        /// Every card listed (`t`), and going back returns to the stats screen: a bottleneck
        /// opened there.
        from_stats: bool,
    },
    /// The queue re-read from the start (its filter changed).
    Reload,
    /// Selects item `want` of the queue (or its last).
    Select(usize),
    /// More of the queue, nothing else.
    More,
    /// Shows the first card at or after `from` (that wants a verdict, when `pending_only`).
    MoveTo {
        from: usize,
        pending_only: bool,
    },
    /// Shows queue item `index`; with the draft given (undo: the card as before its verdict
    /// key) rather than the store's.
    ShowCard {
        index: usize,
        draft: Option<ReviewDraft>,
    },
    /// Shows row `row` of the lead's list on the decide screen.
    Decide {
        row: usize,
    },
    /// The card on the decide screen (row `row`'s), read again because the store refused the
    /// lead's decision `kind` on it: it changed since it was drawn. Redrawn as it is now, the
    /// lead's corrections kept.
    DecideChanged {
        row: usize,
        kind: crate::domain::decision::DecisionKind,
    },
    Stats,
    /// Shows the stats screen's fields view.
    Fields,
    LeadList,
    OwnerPicker,
    /// Keeps the CRMs' stages for the stage pickers: no mark, keys do not wait for it.
    CrmStages,
    /// Queue item `index`'s card, read ahead: no mark, keys do not wait for it.
    Ahead {
        index: usize,
    },
    /// The card on screen (queue item `index`), read again because the store refused
    /// `verdict` on it: it changed since it was read. Redrawn as it is now, the auditor's draft
    /// kept.
    Changed {
        index: usize,
        verdict: crate::domain::review::Verdict,
    },
    /// What is on screen, read again because others acted: no mark either. `writes`: the
    /// session's own writes landed when it was asked ([`crate::tui::state::Shared::own_writes`]).
    Refreshed {
        writes: u64,
    },
}

/// Performs a read against the desk.
pub fn perform(ask: &Ask, desk: &Desk) -> DeskResult<Answer> {
    Ok(match ask {
        Ask::Stages => {
            let mut rows = desk.stages()?;
            let counts = desk.counts_all(&rows)?;
            for (row, counts) in rows.iter_mut().zip(counts) {
                row.counts = counts;
            }
            Answer::Stages(rows)
        }
        Ask::Pages(p) => pages(p, desk)?,
        Ask::Card { card_id, whose } => Answer::Card(card(*card_id, whose, desk)?),
        Ask::Stats => Answer::Stats {
            figures: Box::new(desk.figures()?),
            per_day: desk.reviews_per_day(30).unwrap_or_default(),
        },
        Ask::Fields => Answer::Fields(desk.fill_rows()?),
        Ask::LeadRows => Answer::LeadRows(desk.lead_rows()?),
        Ask::Changed {
            card_id,
            hash,
            whose,
        } => Answer::Changed(changed(*card_id, *hash, whose, desk)?),
        Ask::Owners { source } => Answer::Owners(desk.owners(source)?),
        Ask::CrmStages => Answer::CrmStages(desk.crm_stages()?),
        Ask::Counts {
            row,
            all,
            claimed,
            listed,
            on_screen,
            relist,
            again,
        } => {
            // Nothing but this desk's own writes since it last asked (her verdicts, on the
            // writer's desk): the screen already shows what they changed; only the figures
            // are read. Asked first: a commit during the reads below is seen next time.
            let others = desk.others_committed()? || claimed.is_some() || *again;
            // On a shared queue the cards sent back to her come to her list (those she gave
            // back this session aside), taken before the count, which then includes them.
            let back = match claimed {
                Some(given_back) => desk.claim_returned(row, *all, given_back)?,
                None => Vec::new(),
            };
            let changed = match on_screen {
                Some((card, hash)) if others => changed(*card, *hash, &Whose::Mine, desk)?,
                _ => None,
            };
            let others_on_screen = match on_screen {
                Some((card, _)) if others && changed.is_none() => {
                    Some((*card, desk.others_reviews(*card)?))
                }
                _ => None,
            };
            Answer::Counts(Box::new(Counted {
                counts: desk.counts_of(row, *all)?,
                claimable: match claimed {
                    Some(given_back) => desk.claimable(row, *all, given_back)?,
                    None => None,
                },
                back,
                gone: match others {
                    true => desk.missing_cards(listed)?,
                    false => Vec::new(),
                },
                changed,
                others_on_screen,
                fresh: match relist {
                    Some(n) if others => Some(desk.queue(row, None, "", *n, *all)?),
                    _ => None,
                },
            }))
        }
    })
}

/// The card on screen, read as it is now with `whose` review, when its digest is no longer
/// `hash`: an import or a sync changed it since it was read. `None` when it is as read (or
/// gone: the listed cards' check says so, or the decision's store).
fn changed(
    card_id: CardId,
    hash: i64,
    whose: &Whose,
    desk: &Desk,
) -> DeskResult<Option<Box<CardRead>>> {
    match desk.card(card_id)? {
        Some(detail) if detail.hash != hash => Ok(Some(Box::new(read_with(detail, whose, desk)?))),
        _ => Ok(None),
    }
}

fn pages(p: &Pages, desk: &Desk) -> DeskResult<Answer> {
    if let Some(c) = &p.claim {
        return claimed(p, c, desk);
    }
    let mut entries = Vec::new();
    let mut after = p.after.clone();
    let mut exhausted = false;
    loop {
        let have = p.have + entries.len();
        if have > p.want || exhausted {
            break;
        }
        // Calibration cards come first on the first page and are no place to resume from.
        if after.is_none() && have > 0 {
            exhausted = true;
            break;
        }
        // Far targets (`G`) read in big pages: each page starts a new index scan.
        let size = if p.want - have > PAGE {
            BIG_PAGE
        } else if have == 0 {
            FIRST_PAGE.max(p.want + 1)
        } else {
            PAGE
        };
        let page = desk.queue(&p.row, after.as_ref(), &p.filter, size, p.all)?;
        exhausted = page.len() < size;
        if let Some(last) = page.iter().rev().find(|e| !e.calibration) {
            after = Some(last.key.clone());
        }
        entries.extend(page);
    }
    let counts = match p.counts {
        Some(all) => Some(desk.counts_of(&p.row, all)?),
        None => None,
    };
    let judged_by_others = others_judged(p, &entries, desk)?;
    Ok(Answer::Pages {
        drafted: desk.drafted()?,
        entries,
        exhausted,
        counts,
        claimable: None,
        several_sources: None,
        judged_unlisted: None,
        judged_by_others,
    })
}

/// The next cards handed to the auditor: one for the card wanted (up to [`CLAIM_AHEAD`] for a
/// far one), after the claims they hold, which come back first and are not listed twice.
fn claimed(p: &Pages, c: &Claimed, desk: &Desk) -> DeskResult<Answer> {
    let wanted = (p.want + 1).saturating_sub(p.have).clamp(1, CLAIM_AHEAD);
    let got = desk.claim(
        &p.row,
        &p.filter,
        c.held.len() + c.given_back.len() + wanted,
        p.all,
    )?;
    // A card skipped comes back when it was not released yet (the writer thread releases it)
    // or was free and first again: either way it is released now.
    let again: Vec<CardId> = (got.iter().map(|e| e.card_id))
        .filter(|id| c.given_back.contains(id))
        .collect();
    desk.release(&again)?;
    // A card listed already comes again when the lead sent it back since (she judged it this
    // session): listed anew, to be judged again.
    let mut entries: Vec<QueueEntry> = got
        .into_iter()
        .filter(|e| {
            !c.listed.contains(&e.card_id)
                || (e.returned.is_some()
                    && !c.held.contains(&e.card_id)
                    && !c.given_back.contains(&e.card_id))
        })
        .collect();
    // Read afresh, the list takes back the held cards the filter keeps: the claim took free
    // cards for the held ones it leaves out, and those beyond the ones wanted go back at once
    // (else each new filter would hold one card more).
    if c.afresh {
        let back = (entries.iter())
            .filter(|e| c.held.contains(&e.card_id))
            .count();
        let mut free = wanted.saturating_sub(back);
        let mut extra = Vec::new();
        // The cards sent back to her are hers, as the held ones (a claim hands them first).
        let hers =
            |e: &QueueEntry| e.calibration || e.returned.is_some() || c.held.contains(&e.card_id);
        entries.retain(|e| {
            let keep = hers(e) || free > 0;
            if !keep {
                extra.push(e.card_id);
            } else if !hers(e) {
                free -= 1;
            }
            keep
        });
        desk.release(&extra)?;
    }
    let exhausted = entries.len() < wanted;
    let mut unlisted = None;
    // Read from the start under `t` or a filter, the list holds the cards she judged too, after
    // those handed out: hers already, they are listed, not claimed (opened, one shows her
    // review, to change it); under `t`, then the cards another auditor holds, marked theirs,
    // as a queue read whole lists them (tester43 F7: a server's `t` hid them). No claim hands
    // either out. (A filter alone that finds only another's card says whose it is instead.)
    if p.have == 0 && (p.all || !p.filter.is_empty()) {
        let shown: Vec<CardId> = entries.iter().map(|e| e.card_id).collect();
        let judged = desk.judged(&p.row, &p.filter, p.all)?;
        let held = match p.all {
            true => desk.held_by_others(&p.row, &p.filter, p.all)?,
            false => crate::domain::queue::JudgedList::default(),
        };
        unlisted = Some(judged.unlisted + held.unlisted);
        let new = |e: &QueueEntry| !shown.contains(&e.card_id) && !c.listed.contains(&e.card_id);
        entries.extend(judged.entries.into_iter().filter(new));
        entries.extend(held.entries.into_iter().filter(new));
    }
    let counts = match p.counts {
        Some(all) => Some(desk.counts_of(&p.row, all)?),
        None => None,
    };
    // Counted after the claim, as the others' claims and verdicts stand now; under a filter
    // the count would read the whole stage (the list says "+" instead).
    let claimable = if p.filter.is_empty() {
        desk.claimable(&p.row, p.all, &c.given_back)?
    } else {
        None
    };
    let judged_by_others = others_judged(p, &entries, desk)?;
    Ok(Answer::Pages {
        drafted: desk.drafted()?,
        judged_by_others,
        exhausted,
        entries,
        counts,
        claimable,
        several_sources: if p.have == 0 {
            Some(desk.several_sources()?)
        } else {
            None
        },
        judged_unlisted: unlisted,
    })
}

/// A filter that lists nothing, read from the start: the cards it finds that other auditors
/// judged (a card looked for by its id is there, someone else's).
fn others_judged(
    p: &Pages,
    entries: &[QueueEntry],
    desk: &Desk,
) -> DeskResult<Vec<crate::domain::queue::JudgedByOthers>> {
    if p.have > 0 || p.filter.trim().is_empty() || !entries.is_empty() {
        return Ok(Vec::new());
    }
    desk.judged_by_others(&p.row, &p.filter, p.all)
}

fn card(card_id: CardId, whose: &Whose, desk: &Desk) -> DeskResult<Option<Box<CardRead>>> {
    let Some(detail) = desk.card(card_id)? else {
        return Ok(None);
    };
    Ok(Some(Box::new(read_with(detail, whose, desk)?)))
}

/// The card `detail` with the review shown beside it.
fn read_with(detail: CardDetail, whose: &Whose, desk: &Desk) -> DeskResult<CardRead> {
    let card_id = detail.card_id;
    Ok(match whose {
        Whose::Mine => {
            let review = desk.current_review(detail.card_id)?;
            let decision = match &review {
                Some(r) => desk.latest_decision(&r.id)?,
                None => None,
            };
            let draft = desk.draft(detail.card_id)?;
            let others = desk.others_reviews(detail.card_id)?;
            CardRead {
                detail,
                review,
                decision,
                draft,
                others,
                past_checklist: None,
            }
        }
        Whose::Of {
            auditor,
            review_id,
            fingerprint,
        } => {
            let review = desk.review_of(card_id, auditor)?;
            let past_checklist = match &review {
                Some(r) => desk.past_checklist(&r.stage, fingerprint.as_deref())?,
                None => None,
            };
            CardRead {
                review,
                decision: desk.latest_decision(review_id)?,
                draft: None,
                others: Vec::new(),
                past_checklist,
                detail,
            }
        }
    })
}
