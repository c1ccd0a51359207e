//! A stage the CRM probably renamed, told from what an import or sync read, or from the stage
//! histories (`okk funnel suggest`, `okk funnel check --store`) — by one rule,
//! [`RenameEvidence::is_rename`]. Said before the user acts on the unknown stage, since the order
//! matters: the new name added as the stage's alias first, the cards keep their reviews;
//! imported first, every judged card there goes back to its auditor.

use serde::Serialize;

use super::as_judged::{AsJudged, Field};
use super::card::{Card, SystemField};
use super::funnel::Funnel;
use super::fx::FxMap;

/// Fewer cards than this moving together say nothing of a rename: a stage of one or two cards
/// may simply have been worked.
pub const FEWEST: u64 = 3;

/// What tells a stage the CRM renamed from one it removed (or one the cards just left): where
/// the old stage's cards went, and where the new name's came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenameEvidence {
    /// The old stage's cards: those a read found there, or those the histories saw leave it
    /// since the first went to the new name, with those still there.
    pub old: u64,
    /// Of them, still at the old stage.
    pub stayed: u64,
    /// Of them, now at the new name.
    pub moved: u64,
    /// The cards at the new name (read, or now).
    pub at_new: u64,
}

impl RenameEvidence {
    /// A rename: the old stage emptied (none of its cards left there), most of its cards at the
    /// new name (not all: a week's export also carries the week's ordinary moves and losses),
    /// and most of the new name's cards came from it. A stage whose cards went mostly elsewhere
    /// was removed, the new name added beside it; a new name whose cards came mostly from
    /// elsewhere is a stage of its own.
    pub fn is_rename(&self) -> bool {
        self.moved >= FEWEST
            && self.stayed == 0
            && self.moved * 2 > self.old.max(self.moved)
            && self.moved * 2 > self.at_new.max(self.moved)
    }
}

/// A probable rename: `cards` of the `held` cards this read found at the known stage `from`
/// (its CRM name) now stand at the unknown `to`; `reviewed` of them have a live review, which
/// the import sends back to its auditor as changed (unless `to` is first made an alias).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProbableRename {
    pub from: String,
    pub to: String,
    pub cards: u64,
    pub held: u64,
    pub reviewed: u64,
    /// The cards moved (the store's ids), for counting their reviews; not reported.
    #[serde(skip)]
    pub ids: Vec<i64>,
}

/// The stage moves one read makes, gathered card by card (see [`RenameWatch::saw`]).
#[derive(Debug, Default)]
pub struct RenameWatch {
    /// Cards the read found that the store held at a stage the funnel knows, by that stage
    /// (asked for every card a read passes: the import's own cheap hash).
    held: FxMap<String, u64>,
    /// Of those, the ones read at the stage they were at.
    stayed: FxMap<String, u64>,
    /// Of those, the ones now at a stage the funnel does not know, by (old, new).
    moves: FxMap<(String, String), Vec<i64>>,
}

impl RenameWatch {
    /// A card the store held (not gone) at `old`, read at `new`. Cheap for a card that stayed
    /// (every card of a re-import passes here): the funnel is asked only of a move.
    pub fn saw(&mut self, funnel: &Funnel, old: &str, new: &str, id: i64) {
        match self.held.get_mut(old) {
            Some(n) => *n += 1,
            None => {
                self.held.insert(old.to_string(), 1);
            }
        }
        if old == new {
            *self.stayed.entry(old.to_string()).or_default() += 1;
        } else if funnel.resolve(new).is_none() && funnel.resolve(old).is_some() {
            (self.moves.entry((old.to_string(), new.to_string())))
                .or_default()
                .push(id);
        }
    }

    /// The probable renames, by [`RenameEvidence::is_rename`] over the cards read (`read_at`:
    /// the rows or deals read at an unknown stage); most cards first. `reviewed` is left 0 for
    /// the caller, who asks the store.
    pub fn probable(self, read_at: impl Fn(&str) -> u64) -> Vec<ProbableRename> {
        let mut out: Vec<ProbableRename> = (self.moves.into_iter())
            .filter_map(|((from, to), ids)| {
                let cards = ids.len() as u64;
                let held = self.held.get(&from).copied().unwrap_or(cards);
                let evidence = RenameEvidence {
                    old: held,
                    stayed: self.stayed.get(&from).copied().unwrap_or(0),
                    moved: cards,
                    at_new: read_at(&to),
                };
                evidence.is_rename().then_some(ProbableRename {
                    from,
                    to,
                    cards,
                    held,
                    reviewed: 0,
                    ids,
                })
            })
            .collect();
        out.sort_by(|a, b| b.cards.cmp(&a.cards).then_with(|| a.from.cmp(&b.from)));
        out
    }
}

/// Whether the card `now` is the card a review saw (kept with it as `as_judged`, at the CRM
/// stage `judged_at`) but for its stage's name, which the funnel now takes for the same stage:
/// the CRM renamed the stage and the alias came after the import that brought the new name.
/// Such a card did not change for its review (the import had taken the new name for a move).
/// Any other difference, or names of two stages (or one the funnel does not know), and it did.
pub fn only_renamed(funnel: &Funnel, judged_at: &str, as_judged: &AsJudged, now: &Card) -> bool {
    one_stage(funnel, judged_at, &now.stage)
        && (as_judged.changes(now).iter()).all(|c| c.field == Field::System(SystemField::Stage))
}

/// Whether two different CRM stage names are one stage of the funnel (an alias and its stage):
/// the cheap half of [`only_renamed`], asked before a card is read.
pub fn one_stage(funnel: &Funnel, then: &str, now: &str) -> bool {
    let stage = funnel.resolve(then);
    then != now && stage.is_some() && stage == funnel.resolve(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renamed_funnel() -> Funnel {
        crate::funnel_config::load_str(
            "name = \"t\"\n[[stages]]\nname = \"Переговоры с клиентом\"\naliases = [\"Переговоры\"]\n\
             [[stages]]\nname = \"Договор\"\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap()
    }

    fn card(stage: &str, title: &str) -> Card {
        Card {
            stage: stage.to_string(),
            title: Some(title.to_string()),
            ..Card::default()
        }
    }

    #[test]
    fn a_card_changed_only_in_its_stage_s_aliased_name_is_the_card_its_review_saw() {
        let f = renamed_funnel();
        let judged = AsJudged::of(&card("Переговоры", "Сделка 1"));
        let now = card("Переговоры с клиентом", "Сделка 1");
        assert!(only_renamed(&f, "Переговоры", &judged, &now));
        // Without the alias the two names are two stages (or one unknown): a move.
        assert!(!only_renamed(&funnel(), "Переговоры", &judged, &now));
    }

    #[test]
    fn a_card_renamed_and_changed_otherwise_or_moved_changed_for_its_review() {
        let f = renamed_funnel();
        let judged = AsJudged::of(&card("Переговоры", "Сделка 1"));
        let edited = card("Переговоры с клиентом", "Сделка 1 (VIP)");
        assert!(!only_renamed(&f, "Переговоры", &judged, &edited));
        let moved = card("Договор", "Сделка 1");
        assert!(!only_renamed(&f, "Переговоры", &judged, &moved));
        let same_name = card("Переговоры", "Сделка 1");
        assert!(
            !only_renamed(&f, "Переговоры", &judged, &same_name),
            "no rename to undo"
        );
    }

    fn funnel() -> Funnel {
        crate::funnel_config::load_str(
            "name = \"t\"\n[[stages]]\nname = \"Переговоры\"\n[[stages]]\nname = \"Договор\"\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap()
    }

    fn watch(moves: &[(&str, &str, usize)]) -> Vec<ProbableRename> {
        watch_reading(moves, &[])
    }

    /// `read`: rows read at unknown stages besides the cards moved there.
    fn watch_reading(moves: &[(&str, &str, usize)], read: &[(&str, u64)]) -> Vec<ProbableRename> {
        let f = funnel();
        let mut w = RenameWatch::default();
        let mut id = 0;
        for (old, new, n) in moves {
            for _ in 0..*n {
                id += 1;
                w.saw(&f, old, new, id);
            }
        }
        let mut at: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
        for (old, new, n) in moves {
            if old != new {
                *at.entry(new).or_default() += *n as u64;
            }
        }
        for (stage, n) in read {
            *at.entry(stage).or_default() += n;
        }
        w.probable(|s| at.get(s).copied().unwrap_or(0))
    }

    #[test]
    fn every_card_of_a_known_stage_at_one_unknown_stage_is_a_probable_rename() {
        let r = watch(&[
            ("Переговоры", "Переговоры с клиентом", 5),
            ("Договор", "Договор", 4),
        ]);
        assert_eq!(r.len(), 1);
        assert_eq!(
            (r[0].from.as_str(), r[0].to.as_str(), r[0].cards, r[0].held),
            ("Переговоры", "Переговоры с клиентом", 5, 5)
        );
        assert_eq!(r[0].ids, [1, 2, 3, 4, 5]);
    }

    #[test]
    fn most_of_them_is_enough_half_is_not() {
        let most = watch(&[
            ("Переговоры", "Переговоры с клиентом", 9),
            ("Переговоры", "Договор", 1),
        ]);
        assert_eq!((most.len(), most[0].held), (1, 10));
        let half = watch(&[
            ("Переговоры", "Переговоры с клиентом", 5),
            ("Переговоры", "Переговоры", 5),
        ]);
        assert!(half.is_empty(), "{half:?}");
    }

    #[test]
    fn a_week_s_rename_with_the_week_s_moves_and_losses_is_a_rename() {
        // tester37 F4: 27 of 42 at the new name, 11 moved on, 4 lost, none left.
        let r = watch(&[
            ("Переговоры", "Переговоры с клиентом", 27),
            ("Переговоры", "Договор", 11),
            ("Переговоры", "Отказ", 4),
        ]);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!((r[0].cards, r[0].held), (27, 42));
    }

    #[test]
    fn a_stage_not_emptied_or_emptied_mostly_elsewhere_is_no_rename() {
        // One card left at the old name: the CRM did not rename it.
        let kept = watch(&[
            ("Переговоры", "Переговоры с клиентом", 27),
            ("Переговоры", "Переговоры", 1),
        ]);
        assert!(kept.is_empty(), "{kept:?}");
        // tester37 F5: 11 of 42 to the new name, 31 to «Договор»: removed, a stage added.
        let removed = watch(&[("Переговоры", "Ипотека", 11), ("Переговоры", "Договор", 31)]);
        assert!(removed.is_empty(), "{removed:?}");
        // Most of the new name's cards came from elsewhere (new deals): a stage of its own.
        let new_stage = watch_reading(&[("Переговоры", "Ипотека", 5)], &[("Ипотека", 20)]);
        assert!(new_stage.is_empty(), "{new_stage:?}");
    }

    #[test]
    fn a_move_to_a_known_stage_or_from_an_unknown_one_or_of_two_cards_is_no_rename() {
        assert!(watch(&[("Переговоры", "Договор", 5)]).is_empty());
        assert!(watch(&[("Торг", "Торг с клиентом", 5)]).is_empty());
        assert!(watch(&[("Переговоры", "Переговоры с клиентом", 2)]).is_empty());
    }

    #[test]
    fn an_alias_is_the_stage_it_names() {
        let f = crate::funnel_config::load_str(
            "name = \"t\"\n[[stages]]\nname = \"Переговоры с клиентом\"\naliases = [\"Переговоры\"]\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let mut w = RenameWatch::default();
        for id in 0..5 {
            w.saw(&f, "Переговоры", "Переговоры с клиентом", id);
        }
        assert!(w.probable(|_| 5).is_empty(), "both names are the funnel's");
    }
}
