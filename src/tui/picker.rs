//! A fuzzy picker over a list of names (stages, owners, fields): typing filters with
//! nucleo-matcher, best match first (the name typed whole, then a name starting with the text,
//! then one with a word starting with it, then the rest); an empty query keeps the list's own
//! order. A field shows
//! as the card names it in the current language and is found by that word and by its key. An
//! item may be marked (a stage the card's CRM pipeline has no place for, an owner named only by
//! another source's cards): it stays choosable, after the unmarked ones that match as well.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use crate::domain::names::fold;

/// What the chosen name is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerFor {
    /// The suggested stage of a wrong-stage verdict (choosing saves the verdict).
    WrongStage,
    Owner,
    Field,
    /// The lead's verdict when overriding.
    Verdict,
    /// The lead's suggested stage after overriding with "wrong stage".
    LeadStage,
}

/// How a name meets what was typed, best first: the fuzzy score alone put «Первичный контакт»
/// above «Контакт после встречи» for «Контакт», and `enter` took the wrong stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    /// The name is the text typed: «Бюджет» is okk's field, not the custom «Бюджет (2)» the
    /// fuzzy score put above it.
    Exact,
    /// The name starts with the text typed.
    Start,
    /// Each typed word starts a word of the name.
    WordStart,
    /// The letters are there, elsewhere.
    Elsewhere,
}

/// Where `name` stands for `query` (folded: case and ё/е do not matter).
fn tier(name: &str, query: &str) -> Tier {
    let name = fold(name);
    if name == query {
        return Tier::Exact;
    }
    if name.starts_with(query) {
        return Tier::Start;
    }
    let words: Vec<&str> = name.split(|c: char| !c.is_alphanumeric()).collect();
    let starts_a_word = |q: &str| words.iter().any(|w| w.starts_with(q));
    if query.split_whitespace().all(starts_a_word) {
        Tier::WordStart
    } else {
        Tier::Elsewhere
    }
}

/// The owners the owner picker offers on a card of `source`: those its source's cards name
/// first, then the other sources' (another CRM's users, which the card's own CRM may not know:
/// marked, still choosable).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Owners {
    pub source: String,
    pub own: Vec<String>,
    pub others: Vec<String>,
}

impl Owners {
    /// `all` the owners the store's cards name, `own` those of `source`'s cards (both sorted).
    pub fn split(source: String, all: Vec<String>, own: Vec<String>) -> Owners {
        let mine: std::collections::HashSet<&String> = own.iter().collect();
        let others = all.iter().filter(|o| !mine.contains(o)).cloned().collect();
        Owners {
            source,
            own,
            others,
        }
    }

    /// The owner picker: the source's own owners, then the others, marked. The card's owner
    /// now (`current`) is left out, as the stage picker leaves out the card's stage: choosing
    /// them would suggest no change.
    pub fn picker(&self, current: Option<&str>) -> Picker {
        let current = current.map(crate::domain::names::fold);
        let keep = |o: &&String| current.as_deref() != Some(crate::domain::names::fold(o).as_str());
        let own = self.own.iter().filter(keep).map(|o| (o.clone(), false));
        let others = self.others.iter().filter(keep).map(|o| (o.clone(), true));
        let (items, marked) = own.chain(others).unzip();
        Picker::new(PickerFor::Owner, items).with_marks(marked)
    }
}

#[derive(Debug, Clone)]
pub struct Picker {
    pub purpose: PickerFor,
    pub items: Vec<String>,
    /// What each item shows as (a field's label; else the item itself).
    pub labels: Vec<String>,
    /// Per item: marked (a stage with no place in the card's CRM pipeline, which `okk export
    /// crm` leaves out; an owner of another source's cards). A marked item comes after the
    /// unmarked ones of its match tier.
    pub marked: Vec<bool>,
    pub query: String,
    /// A line under the list saying what choosing leaves as it is (the lead's override keeps
    /// the auditor's owner).
    pub note: Option<String>,
    /// Indices into `items`, best first.
    pub matches: Vec<usize>,
    pub selected: usize,
}

impl Picker {
    pub fn new(purpose: PickerFor, items: Vec<String>) -> Picker {
        let labels = match purpose {
            PickerFor::Field => items
                .iter()
                .map(|f| crate::text::tui::field_label(f))
                .collect(),
            _ => items.clone(),
        };
        let mut p = Picker {
            purpose,
            marked: vec![false; items.len()],
            items,
            labels,
            query: String::new(),
            note: None,
            matches: Vec::new(),
            selected: 0,
        };
        p.refilter();
        p
    }

    /// The picker with items marked where `marked` says (one per item; those beyond it are
    /// not).
    pub fn with_marks(mut self, marked: Vec<bool>) -> Picker {
        self.marked = marked;
        self.marked.resize(self.items.len(), false);
        self.refilter();
        self
    }

    /// The picker with `note` under its list.
    pub fn with_note(mut self, note: Option<String>) -> Picker {
        self.note = note;
        self
    }

    /// Whether item `i` is marked.
    pub fn is_marked(&self, i: usize) -> bool {
        self.marked.get(i).copied().unwrap_or(false)
    }

    /// Whether any item is marked (the popup then says what the mark means).
    pub fn any_marked(&self) -> bool {
        self.marked.contains(&true)
    }

    pub fn set_query(&mut self, query: String) {
        self.query = query;
        self.refilter();
    }

    fn refilter(&mut self) {
        self.selected = 0;
        if self.query.trim().is_empty() {
            // The list's own order, the marked items after the others.
            let mut all: Vec<usize> = (0..self.items.len()).collect();
            all.sort_by_key(|&i| self.is_marked(i));
            self.matches = all;
            return;
        }
        let mut matcher = Matcher::new(Config::DEFAULT);
        let pattern = Pattern::parse(&self.query, CaseMatching::Ignore, Normalization::Smart);
        let mut buf = Vec::new();
        let query = fold(&self.query);
        let mut scored: Vec<(Tier, bool, u32, usize)> = self
            .items
            .iter()
            .zip(&self.labels)
            .enumerate()
            .filter_map(|(i, (item, label))| {
                // «бюдж» finds the label, `amount` the key; `wrong` the verdict «не тот этап».
                let code = match self.purpose {
                    PickerFor::Verdict => crate::domain::review::Verdict::ALL
                        .into_iter()
                        .find(|v| crate::text::tui::verdict(*v) == *item)
                        .map(|v| v.as_str()),
                    _ => None,
                };
                let haystack = match code {
                    Some(code) if code != item => format!("{item} {code}"),
                    _ if item == label => item.clone(),
                    _ => format!("{label} {item}"),
                };
                let score = pattern.score(Utf32Str::new(&haystack, &mut buf), &mut matcher)?;
                let names = [Some(label.as_str()), Some(item.as_str()), code];
                let tier = (names.into_iter().flatten())
                    .map(|name| tier(name, &query))
                    .min()
                    .unwrap_or(Tier::Elsewhere);
                Some((tier, self.is_marked(i), score, i))
            })
            .collect();
        // Within a tier the marked names come after the others (`enter` takes a move that
        // reaches the CRM when one matches as well), the fuzzy score orders them, and the
        // list's order breaks a tie.
        scored.sort_by(|a, b| {
            (a.0.cmp(&b.0))
                .then(a.1.cmp(&b.1))
                .then(b.2.cmp(&a.2))
                .then(a.3.cmp(&b.3))
        });
        self.matches = scored.into_iter().map(|(_, _, _, i)| i).collect();
    }

    pub fn down(&mut self) {
        if self.selected + 1 < self.matches.len() {
            self.selected += 1;
        }
    }

    pub fn up(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    pub fn chosen(&self) -> Option<&str> {
        self.matches
            .get(self.selected)
            .map(|&i| self.items[i].as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_filters_fuzzily_and_best_first() {
        let mut p = Picker::new(
            PickerFor::WrongStage,
            vec![
                "Первичный контакт".into(),
                "Встреча назначена".into(),
                "Закрыто и не реализовано".into(),
            ],
        );
        assert_eq!(p.matches, vec![0, 1, 2]);
        p.set_query("закр".into());
        assert_eq!(p.chosen(), Some("Закрыто и не реализовано"));
        p.set_query("встр наз".into());
        assert_eq!(p.chosen(), Some("Встреча назначена"));
        p.set_query("zzz".into());
        assert_eq!(p.chosen(), None);
    }

    /// A stage whose name starts with what was typed comes first, then one with a word that
    /// starts with it, then the other matches: `enter` takes the stage the user began to name.
    #[test]
    fn a_name_that_starts_with_the_query_comes_first_then_a_word_that_does() {
        let stages: Vec<String> = [
            "Первичный контакт",
            "Квалификация",
            "Молчуны после встречи",
            "Контакт после встречи",
            "Закрыто и не реализовано",
        ]
        .map(String::from)
        .to_vec();
        let mut p = Picker::new(PickerFor::WrongStage, stages.clone());
        for typed in ["Контакт", "контакт", "конт", "Контакт п"] {
            p.set_query(typed.into());
            assert_eq!(p.chosen(), Some("Контакт после встречи"), "{typed}");
        }
        p.set_query("Контакт".into());
        let order: Vec<&str> = p.matches.iter().map(|&i| stages[i].as_str()).collect();
        assert_eq!(order[..2], ["Контакт после встречи", "Первичный контакт"]);
        // A word starting with the text beats a match scattered through a name.
        p.set_query("реал".into());
        assert_eq!(p.chosen(), Some("Закрыто и не реализовано"));
        p.set_query("кт".into());
        assert_eq!(
            p.chosen(),
            Some("Первичный контакт"),
            "no word starts with «кт»: the score"
        );
        // Two names with a word starting with it: the list's order among them.
        p.set_query("после".into());
        assert_eq!(p.chosen(), Some("Молчуны после встречи"));
        // The lead's stage picker is the same picker.
        let mut lead = Picker::new(PickerFor::LeadStage, stages);
        lead.set_query("Контакт".into());
        assert_eq!(lead.chosen(), Some("Контакт после встречи"));
    }

    /// The owner picker on a card of `amo`: the owners amo's cards name first, then those only
    /// other sources' cards name, marked; a name both sources know is amo's. Typing keeps the
    /// marked ones after the unmarked of their tier.
    #[test]
    fn the_owner_picker_lists_the_card_s_source_s_owners_first_and_marks_the_others() {
        let all = [
            "005Ec000004oBPNIA2",
            "Васильев Игорь",
            "Попова Анна",
            "Петров Пётр",
        ];
        let all: Vec<String> = all.into_iter().map(String::from).collect();
        let own = vec!["Васильев Игорь".to_string(), "Попова Анна".to_string()];
        let owners = Owners::split("amo".into(), all, own);
        assert_eq!(owners.others, ["005Ec000004oBPNIA2", "Петров Пётр"]);
        let mut p = owners.picker(None);
        assert_eq!(p.purpose, PickerFor::Owner);
        let listed: Vec<&str> = p.matches.iter().map(|&i| p.items[i].as_str()).collect();
        assert_eq!(
            listed,
            [
                "Васильев Игорь",
                "Попова Анна",
                "005Ec000004oBPNIA2",
                "Петров Пётр"
            ]
        );
        let marked: Vec<bool> = (0..p.items.len()).map(|i| p.is_marked(i)).collect();
        assert_eq!(marked, [false, false, true, true]);
        p.set_query("п".into());
        assert_eq!(p.chosen(), Some("Попова Анна"), "the own source's first");
        // One source in the store: nothing is marked.
        let one = Owners {
            source: "amo".into(),
            own: vec!["Попова Анна".into()],
            others: Vec::new(),
        };
        assert!(!one.picker(None).any_marked());
    }

    /// The card's owner now is not offered, however the store spells them: choosing them
    /// would suggest a move to where the card already is (tester39 F2).
    #[test]
    fn the_owner_picker_leaves_out_the_card_s_owner_now() {
        let owners = Owners {
            source: "amo".into(),
            own: vec!["Иванова Светлана".into(), "Сидоров Олег".into()],
            others: vec!["Петров Пётр".into()],
        };
        let p = owners.picker(Some("сидоров  олег"));
        assert_eq!(p.items, ["Иванова Светлана", "Петров Пётр"]);
        let marked: Vec<bool> = (0..p.items.len()).map(|i| p.is_marked(i)).collect();
        assert_eq!(marked, [false, true], "the marks stay with their owners");
        assert_eq!(owners.picker(None).items.len(), 3, "an ownerless card: all");
    }

    /// A stage marked (no place in the card's CRM pipeline) comes after the unmarked ones
    /// that match as well, and stays choosable; a better match still comes first.
    #[test]
    fn a_marked_stage_comes_after_the_unmarked_ones_of_its_tier_and_stays_choosable() {
        let stages: Vec<String> = [
            "Первичный контакт",
            "Квалификация",
            "Встреча назначена",
            "Встреча проведена",
            "Контакт после встречи",
        ]
        .map(String::from)
        .to_vec();
        let marked = vec![false, true, true, false, false];
        let mut p = Picker::new(PickerFor::WrongStage, stages.clone()).with_marks(marked);
        let order =
            |p: &Picker| -> Vec<&str> { p.matches.iter().map(|&i| stages[i].as_str()).collect() };
        // No query: the list's order, the marked stages last.
        assert_eq!(
            order(&p),
            [
                "Первичный контакт",
                "Встреча проведена",
                "Контакт после встречи",
                "Квалификация",
                "Встреча назначена"
            ]
        );
        // Both start with «встреча»: the one that lands first.
        p.set_query("встреча".into());
        assert_eq!(order(&p)[..2], ["Встреча проведена", "Встреча назначена"]);
        // A name starting with the text beats an unmarked word start: the tier first.
        p.set_query("встреча н".into());
        assert_eq!(p.chosen(), Some("Встреча назначена"));
        p.set_query("квал".into());
        assert_eq!(p.chosen(), Some("Квалификация"), "marked, still choosable");
        assert!(p.any_marked() && p.is_marked(1) && !p.is_marked(0));
        // Unmarked, the picker is the list's own order.
        let plain = Picker::new(PickerFor::WrongStage, stages.clone());
        assert_eq!(plain.matches, [0, 1, 2, 3, 4]);
        assert!(!plain.any_marked());
    }

    #[test]
    fn a_field_or_a_verdict_is_found_by_its_russian_word_and_by_its_key() {
        use crate::text::lang::{Lang, with};
        let fields = vec!["title".to_string(), "amount".into(), "Источник".into()];
        with(Lang::Ru, || {
            let mut p = Picker::new(PickerFor::Field, fields.clone());
            assert_eq!(p.labels, ["Название", "Бюджет", "Источник"]);
            p.set_query("бюдж".into());
            assert_eq!(p.chosen(), Some("amount"));
            p.set_query("amount".into());
            assert_eq!(p.chosen(), Some("amount"));
            p.set_query("источ".into());
            assert_eq!(p.chosen(), Some("Источник"));
        });
        with(Lang::Ru, || {
            let verdicts = crate::domain::review::Verdict::ALL
                .map(crate::text::tui::verdict)
                .to_vec();
            let mut p = Picker::new(PickerFor::Verdict, verdicts);
            p.set_query("wrong".into());
            assert_eq!(p.chosen(), Some("не тот этап"));
            p.set_query("мёрт".into());
            assert_eq!(p.chosen(), Some("мёртвый лид"));
        });
        with(Lang::En, || {
            let mut p = Picker::new(PickerFor::Field, fields);
            p.set_query("budg".into());
            assert_eq!(p.chosen(), Some("amount"));
        });
    }

    /// An export with a custom field labelled like okk's own (amoCRM's ` Бюджет` beside
    /// `Бюджет `) has it as «Бюджет (2)»: typing the exact name takes okk's field, whatever the
    /// fuzzy score says; the repeat is one more word away.
    #[test]
    fn the_name_typed_whole_comes_before_a_longer_one_that_starts_with_it() {
        use crate::text::lang::{Lang, with};
        let fields: Vec<String> = ["title", "Бюджет (2)", "amount", "Город"]
            .map(String::from)
            .to_vec();
        with(Lang::Ru, || {
            let mut p = Picker::new(PickerFor::Field, fields.clone());
            for typed in ["Бюджет", "бюджет", " БЮДЖЕТ "] {
                p.set_query(typed.into());
                assert_eq!(p.chosen(), Some("amount"), "{typed}");
            }
            p.set_query("Бюджет (2)".into());
            assert_eq!(p.chosen(), Some("Бюджет (2)"));
            p.set_query("Бюдж".into());
            let order: Vec<&str> = p.matches.iter().map(|&i| p.items[i].as_str()).collect();
            assert_eq!(order.len(), 2, "{order:?}");
        });
    }
}
