//! Whether an auditor's withdrawal (undo) of a review applies, weighed against the lead's
//! decisions on it (docs/lead.md "An undo that comes in a bundle"). A pure function of the
//! records and their own times, so every store that holds the same records gives one answer,
//! whatever order the bundles came in and however far apart the laptops' clocks are.
//!
//! The rule: a withdrawal made at `t` is overruled while a decision on the review stands, and
//! for good once a decision was taken back after `t` (it stood at some moment after the undo:
//! the auditor judges the card again to change her verdict). A decision taken back before `t`
//! does not stop it.

/// A review's withdrawal: when it was made (by its author's clock) and its signature (`None`:
/// made in this store; the bundle writer signs it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub at: String,
    pub signature: Option<String>,
}

impl Withdrawal {
    /// The earliest goes first; at one time, the lower signature, a withdrawal made here first
    /// (the order `earliest_withdrawal` has always kept).
    fn order(&self) -> (&str, &str) {
        (&self.at, self.signature.as_deref().unwrap_or(""))
    }
}

/// A lead's decision on the review, as the weighing sees it. Times compare as the store's text
/// (`YYYY-MM-DD HH:MM:SS[.fraction]`, which sorts as time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionOn {
    pub lead: String,
    /// The decision's name (`accept`, `override`, `return`).
    pub decision: String,
    /// When the lead took it back; `None`: it stands.
    pub taken_back_at: Option<String>,
}

/// The decision that keeps a withdrawal out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overruling {
    pub lead: String,
    pub decision: String,
    /// Taken back, but after the withdrawal was made (none stands).
    pub taken_back: bool,
}

/// What the weighing keeps of a review's withdrawals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weighed {
    /// The one withdrawal the store keeps (applied or held out); `None`: there is none.
    pub kept: Option<Withdrawal>,
    /// The decision that holds the kept withdrawal out; `None` with a withdrawal: it applies.
    pub overruled_by: Option<Overruling>,
}

impl Weighed {
    /// The review is withdrawn.
    pub fn applies(&self) -> bool {
        self.kept.is_some() && self.overruled_by.is_none()
    }
}

/// A review's withdrawal as a store holds it: applied (the review is withdrawn) or held out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub withdrawal: Withdrawal,
    pub applied: bool,
}

/// A review weighed again in a store: whose card it is, whether it was withdrawn before, and
/// what the weighing kept (the store now holds that).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reweighed {
    pub card_source: String,
    pub card_external_id: String,
    pub auditor: String,
    pub was_withdrawn: bool,
    pub weighed: Weighed,
}

impl Reweighed {
    /// Whether the review's current review must be derived again.
    pub fn changed(&self) -> bool {
        self.was_withdrawn != self.weighed.applies()
    }
}

/// What a store holds after the weighing, for `stored` (what it held) with `incoming` (the
/// withdrawals that came): the withdrawal kept and whether it applies; `None` in `write` when
/// the store's row stays as it is.
pub fn reweigh(
    stored: Option<Held>,
    incoming: &[Withdrawal],
    decisions: &[DecisionOn],
) -> (Weighed, Option<Option<Held>>) {
    let candidates = stored.iter().map(|h| h.withdrawal.clone());
    let weighed = weigh(candidates.chain(incoming.iter().cloned()), decisions);
    let now = weighed.kept.clone().map(|withdrawal| Held {
        withdrawal,
        applied: weighed.overruled_by.is_none(),
    });
    let write = (now != stored).then_some(now);
    (weighed, write)
}

/// Weighs every withdrawal a review has been given (`candidates`, in any order) against the
/// decisions on it (`decisions`, in the order the lead made them). One is kept: one that may
/// still apply (no decision was taken back after it) before one that never can, then the
/// earliest. It applies unless a decision on the review stands (the latest is named) or one was
/// taken back after it was made (the latest such is named).
pub fn weigh(
    candidates: impl IntoIterator<Item = Withdrawal>,
    decisions: &[DecisionOn],
) -> Weighed {
    let taken_back_after = |w: &Withdrawal| {
        decisions.iter().rev().find(|d| {
            d.taken_back_at
                .as_deref()
                .is_some_and(|t| t > w.at.as_str())
        })
    };
    let kept = candidates.into_iter().min_by(|a, b| {
        let dead = |w: &Withdrawal| taken_back_after(w).is_some();
        (dead(a), a.order()).cmp(&(dead(b), b.order()))
    });
    let overruled_by = kept.as_ref().and_then(|w| {
        let standing = decisions.iter().rev().find(|d| d.taken_back_at.is_none());
        let (d, taken_back) = match standing {
            Some(d) => (d, false),
            None => (taken_back_after(w)?, true),
        };
        Some(Overruling {
            lead: d.lead.clone(),
            decision: d.decision.clone(),
            taken_back,
        })
    });
    Weighed { kept, overruled_by }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(at: &str) -> Withdrawal {
        Withdrawal {
            at: format!("2026-11-20 {at}"),
            signature: Some(format!("sig{at}")),
        }
    }

    fn d(taken_back_at: Option<&str>) -> DecisionOn {
        DecisionOn {
            lead: "olga".into(),
            decision: "accept".into(),
            taken_back_at: taken_back_at.map(|t| format!("2026-11-20 {t}")),
        }
    }

    #[test]
    fn an_undo_of_a_review_no_decision_touches_applies_the_earliest() {
        let out = weigh([w("12:00:05"), w("12:00:03")], &[]);
        assert_eq!(out.kept, Some(w("12:00:03")));
        assert!(out.applies());
        assert!(!weigh([], &[]).applies());
    }

    #[test]
    fn a_standing_decision_holds_the_undo_out_whatever_the_times() {
        let out = weigh([w("12:00:05")], &[d(Some("12:00:01")), d(None)]);
        assert_eq!(out.kept, Some(w("12:00:05")));
        assert_eq!(out.overruled_by.map(|o| o.taken_back), Some(false));
    }

    #[test]
    fn a_decision_taken_back_before_the_undo_does_not_stop_it_one_taken_back_after_does() {
        assert!(weigh([w("12:00:05")], &[d(Some("12:00:04"))]).applies());
        assert!(weigh([w("12:00:05")], &[d(Some("12:00:05"))]).applies());
        let out = weigh([w("12:00:05")], &[d(Some("12:00:06"))]);
        assert!(!out.applies());
        assert_eq!(out.overruled_by.map(|o| o.taken_back), Some(true));
    }

    #[test]
    fn an_undo_that_may_still_apply_is_kept_before_an_earlier_one_that_never_can() {
        let decisions = [d(Some("12:00:04"))];
        let out = weigh([w("12:00:03"), w("12:00:09")], &decisions);
        assert_eq!(out.kept, Some(w("12:00:09")));
        assert!(out.applies());
        // Both held out for good: the earliest is kept, and the order they came in is moot.
        let decisions = [d(Some("12:00:10"))];
        let one = weigh([w("12:00:03"), w("12:00:09")], &decisions);
        let other = weigh([w("12:00:09"), w("12:00:03")], &decisions);
        assert_eq!(
            (one.kept.clone(), one.applies()),
            (Some(w("12:00:03")), false)
        );
        assert_eq!(one, other);
    }

    #[test]
    fn at_one_time_the_undo_made_here_goes_first() {
        let here = Withdrawal {
            at: "2026-11-20 12:00:03".into(),
            signature: None,
        };
        let out = weigh([w("12:00:03"), here.clone()], &[]);
        assert_eq!(out.kept, Some(here));
    }
}
