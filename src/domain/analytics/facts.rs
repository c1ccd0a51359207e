//! What the analytics read from the store: each card there now, and each current review with
//! the lead's standing decision on it.
//!
//! The figures count cards, not reviews: a card judged at a stage is one sample there however
//! many auditors judged it, its verdict the one that stands ([`Settled`]; docs/analytics.md).

use chrono::NaiveDate;

use crate::domain::decision::DecisionKind;
use crate::domain::review::Verdict;
use crate::domain::score::Answers;

/// A card, gone or not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardFact<'a> {
    /// The store's id: how a review names its card.
    pub id: i64,
    /// As the CRM names it.
    pub stage: &'a str,
    pub owner: Option<&'a str>,
    /// The day of its last activity or update: idle days count from it.
    pub touched: Option<NaiveDate>,
    /// The CRM says the deal is closed (won or lost).
    pub closed: bool,
    /// The stage rules raised at least one flag on it.
    pub flagged: bool,
    /// Missing from a later full export of its CRM.
    pub gone: bool,
}

/// A current review (not superseded, not withdrawn).
#[derive(Debug, Clone, PartialEq)]
pub struct Finding<'a> {
    pub id: &'a str,
    /// The reviewed card's id; `None` while the review waits for its card to be synced.
    pub card: Option<i64>,
    /// The card as the CRM names it (source, external id): how the reviews of a card not synced
    /// yet are told apart.
    pub crm_card: (&'a str, &'a str),
    /// Who made it: of one card's reviews made in the same second, the one by the auditor
    /// first by name is the latest (the order the CRM export takes them in).
    pub auditor: &'a str,
    /// The card's stage when reviewed, as the CRM named it.
    pub stage: &'a str,
    /// The auditor's verdict.
    pub verdict: Verdict,
    /// The lead's standing decision and, on an override, the lead's verdict.
    pub lead: Option<(DecisionKind, Option<Verdict>)>,
    /// The card's verdict when the lead settled the card (`domain::settled`), by a decision on
    /// this review or another: it is every review's of the card.
    pub settled: Option<Verdict>,
    /// This review is the one the lead's settling decision stands on: the card's sample takes
    /// its score, answers and day, with the settled verdict.
    pub settles: bool,
    pub score: Option<f64>,
    pub answers: &'a Answers,
    /// When the review was made, 'YYYY-MM-DD HH:MM:SS': the latest review of a card is its
    /// verdict in the per-stage counts.
    pub at: &'a str,
    /// Its day.
    pub day: NaiveDate,
    /// The funnel version it was made under: its recorded fingerprint's, else (a fingerprint
    /// the store's history does not know: a bundle from another laptop, a review older than
    /// the history) the latest version first used at or before it was made; `None` before
    /// any.
    pub version: Option<i64>,
}

impl Finding<'_> {
    /// The verdict as it lands: the card's, where the lead settled the card; else the lead's
    /// where the lead overrode it; none when the lead sent the review back, since the auditor
    /// has yet to judge the card again (the CRM export leaves such reviews out too).
    pub fn landed(&self) -> Option<Verdict> {
        if let Some(v) = self.settled {
            return Some(v);
        }
        match self.lead {
            Some((DecisionKind::Return, _)) => None,
            Some((DecisionKind::Override, Some(v))) => Some(v),
            _ => Some(self.verdict),
        }
    }
}

/// What a page is dated by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AsOf {
    /// A day given (`--today`): the day the rules and idle days are judged against, with no
    /// time of its own. The reviews are not bounded by it (`--until` does that).
    Day(chrono::NaiveDate),
    /// The store's "now": the demo's frozen clock, else the local time.
    Moment(chrono::NaiveDateTime),
}

/// The reviews the figures cover, by the day they were made (both ends included), and on
/// which side of a funnel version when `side` says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Window {
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Only the reviews made under an earlier funnel version than this one, or under it or a
    /// later one (`okk stats --funnel-version N`).
    #[serde(skip)]
    pub side: Option<VersionSide>,
}

/// Current reviews a window leaves out: how many, and the days of the first and the last made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub reviews: u64,
    pub first: Option<NaiveDate>,
    pub last: Option<NaiveDate>,
}

impl LeftOut {
    /// One review made on `day`.
    pub fn one(day: NaiveDate) -> LeftOut {
        LeftOut {
            reviews: 1,
            first: Some(day),
            last: Some(day),
        }
    }

    pub fn add(&mut self, other: LeftOut) {
        self.reviews += other.reviews;
        self.first = match (self.first, other.first) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last = self.last.max(other.last);
    }
}

/// One side of a funnel version: the reviews made under the versions before it, or under it
/// and those after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionSide {
    pub version: i64,
    pub after: bool,
}

impl Window {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.since.is_none_or(|s| day >= s) && self.until.is_none_or(|u| day <= u)
    }

    /// Whether the window covers the review: made within its days, on its side of a version.
    pub fn covers(&self, review: &Finding) -> bool {
        self.contains(review.day)
            && self
                .side
                .is_none_or(|s| (review.version.unwrap_or(0) >= s.version) == s.after)
    }

    /// `--since` after `--until` selects nothing: a mistake worth telling the user about.
    pub fn is_empty(&self) -> bool {
        matches!((self.since, self.until), (Some(s), Some(u)) if s > u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(lead: Option<(DecisionKind, Option<Verdict>)>) -> Finding<'static> {
        static NONE: Answers = Answers::new();
        Finding {
            id: "r",
            card: None,
            crm_card: ("amocrm", "1"),
            auditor: "anna",
            stage: "Квалификация",
            at: "2026-11-02 10:00:00",
            verdict: Verdict::Ok,
            lead,
            settled: None,
            settles: false,
            score: None,
            answers: &NONE,
            day: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            version: None,
        }
    }

    #[test]
    fn the_leads_override_lands_and_a_returned_review_does_not() {
        assert_eq!(finding(None).landed(), Some(Verdict::Ok));
        let accepted = finding(Some((DecisionKind::Accept, None)));
        assert_eq!(accepted.landed(), Some(Verdict::Ok));
        let overridden = finding(Some((DecisionKind::Override, Some(Verdict::Stale))));
        assert_eq!(overridden.landed(), Some(Verdict::Stale));
        assert_eq!(finding(Some((DecisionKind::Return, None))).landed(), None);
    }

    #[test]
    fn every_review_of_a_settled_card_lands_on_the_cards_verdict() {
        // An auditor's ok after the lead overrode the card to dead, or a review sent back on a
        // card the lead settled by another: the card's verdict.
        for lead in [None, Some((DecisionKind::Return, None))] {
            let mut f = finding(lead);
            f.settled = Some(Verdict::Dead);
            assert_eq!(f.landed(), Some(Verdict::Dead));
        }
    }

    #[test]
    fn a_window_includes_both_ends() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let w = Window {
            since: Some(d(2)),
            until: Some(d(8)),
            side: None,
        };
        assert!(!w.contains(d(1)) && w.contains(d(2)) && w.contains(d(8)) && !w.contains(d(9)));
        assert!(Window::default().contains(d(1)));
        assert!(
            Window {
                since: Some(d(9)),
                until: Some(d(8)),
                side: None,
            }
            .is_empty()
        );
    }
}
