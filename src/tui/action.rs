//! Every intent the reviewer understands, as a plain enum, and the one table that says, per
//! action, its name in the keymap file, its default keys and the message ids of its hint and help.
//! update() is the only place an action changes state.

/// An action, bound to keys by [`TABLE`] (and the user's `[keys]`) in [`super::keymap`]. `Type` is not bindable: it carries a key typed
/// into a text box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Help,
    Back,
    Quit,
    Down,
    Up,
    First,
    Last,
    Open,
    Filter,
    Close,
    PageDown,
    PageUp,
    NextStage,
    Ok,
    WrongStage,
    Stale,
    Dead,
    Unclear,
    /// Cycle checklist item N (1-based).
    Item(u8),
    Owner,
    Correct,
    Comment,
    Skip,
    Prev,
    Undo,
    /// Pickers and text boxes: take the selection or the text (the comment box closes, kept).
    Choose,
    /// The comment box: a new line (enter keeps the comment, as every text box's enter does).
    NewLine,
    /// The lead: the auditor's review stands.
    Accept,
    /// The lead: another verdict (and suggestion) replaces the auditor's.
    Override,
    /// The lead: back to the auditor, with a note.
    SendBack,
    /// The lead's decide screen: the scroll keys move the auditor's review or the card, and the
    /// review in focus takes the room it needs.
    Pane,
    /// The lead's list: decided reviews too, or only those awaiting a decision.
    ToggleAll,
    /// A stage's queue: closed and gone cards without flags too, or only the cards to look at.
    AllCards,
    /// The stats screen: where the funnel leaks.
    Stats,
    /// The stats screen's fields view: how well each custom field is kept per stage.
    Fields,
    /// The card's page in the CRM, in the browser (or its address, to copy).
    OpenCrm,
    /// A key typed into a text box (filter, picker query, comment, field value).
    Type(super::keymap::Key),
}

use super::keymap::Mode;

/// Hint ranks: how long an action stays in the hint bar as the terminal narrows, the lowest
/// giving way first. At 80 columns the card's bar drops field, owner and the checklist, then
/// back and undo (a newcomer needs them after a verdict, not to reach one; `?` lists them), and
/// keeps the five verdicts, comment, the CRM link (a card that has one) and help.
pub const HELP_ONLY: u8 = 0;
const RARE: u8 = 1;
const OFTEN: u8 = 2;
const AFTER_VERDICT: u8 = 3;
pub const MAIN: u8 = 4;
const KEEP: u8 = 5;

/// Default keys of an action: on these screens, these keys, with this hint rank.
pub type Keys = (&'static [Mode], &'static [&'static str], u8);

/// One action: everything about it but what it does (that is update's).
pub struct Entry {
    pub action: Action,
    /// Its name in the keymap file (`[keys.card] stale = "z"`) and in `okk keys`.
    pub name: &'static str,
    pub keys: &'static [Keys],
    /// The message id of its word in the hint bar.
    pub hint: &'static str,
    /// The message id of a shorter word, which the hint bar takes only when it has no room
    /// for the whole one (and before it drops any hint).
    pub short: Option<&'static str>,
    /// The message id of its line in help and `okk keys`.
    pub help: &'static str,
    /// Screens where the action does something else and help says so.
    pub help_in: &'static [(Mode, &'static str)],
    /// Screens where the hint bar's word differs, for the same reason (`f` on the fields view
    /// goes back).
    pub hint_in: &'static [(Mode, &'static str)],
    /// The word while the switch the action flips is on: the bar offers what the key does
    /// next, not what it did (`t` over all cards goes back to the cards to check).
    pub hint_on: Option<&'static str>,
}

use Mode as M;
const SCREENS: &[Mode] = &[
    M::Funnel,
    M::Queue,
    M::Card,
    M::Reviews,
    M::Decide,
    M::Stats,
    M::Fields,
];
const NOT_CARD: &[Mode] = &[
    M::Funnel,
    M::Queue,
    M::Reviews,
    M::Decide,
    M::Stats,
    M::Fields,
];
/// The lists whose rows open something (enter).
const LISTS: &[Mode] = &[M::Funnel, M::Queue, M::Reviews, M::Stats];
/// Every list moved through: those and the fields view, whose rows open nothing.
const MOVED: &[Mode] = &[M::Funnel, M::Queue, M::Reviews, M::Stats, M::Fields];
const CARDS: &[Mode] = &[M::Card, M::Decide];
const TYPING: &[Mode] = &[M::Picker, M::Filter, M::Input, M::Comment];
const LISTS_TYPED: &[Mode] = &[M::Picker, M::Filter];

const fn entry(
    action: Action,
    name: &'static str,
    keys: &'static [Keys],
    hint: &'static str,
    help: &'static str,
) -> Entry {
    Entry {
        action,
        name,
        keys,
        hint,
        short: None,
        help,
        help_in: &[],
        hint_in: &[],
        hint_on: None,
    }
}

const fn item(n: u8, name: &'static str, keys: &'static [Keys]) -> Entry {
    Entry {
        action: Action::Item(n),
        name,
        keys,
        hint: "tui-action-item-hint",
        short: Some("tui-action-item-short"),
        help: "tui-action-item-help",
        help_in: &[(M::Decide, "tui-action-item-help-decide")],
        hint_in: &[],
        hint_on: None,
    }
}

// The checklist's digits: the bar shows the items as one `1-9` entry, ranked by item 1.
macro_rules! digit {
    ($d:literal) => {
        &[(&[M::Card], &[$d], OFTEN), (&[M::Decide], &[$d], RARE)]
    };
}

/// Every bindable action in the order help lists them: the contract users' muscle memory depends
/// on (docs/reviewer.md's key table).
// Longer than a function should be because it is a table, one row per action: split up, an
// action's keys, hint and help would no longer be read side by side.
pub static TABLE: &[Entry] = &[
    // A verdict's hint is its name everywhere else (status line, help, the lead's list, the
    // export), whole where the bar has room; its short word only keeps another hint of its rank
    // or above on the bar, after the other hints' short words (`Keymap::hint_bar_saying`).
    Entry {
        short: Some("tui-action-ok-short"),
        ..entry(
            Action::Ok,
            "ok",
            &[(&[M::Card], &["a"], MAIN)],
            "tui-action-ok-hint",
            "tui-action-ok-help",
        )
    },
    entry(
        Action::WrongStage,
        "wrong_stage",
        &[(&[M::Card], &["x"], MAIN)],
        "tui-action-wrong-stage-hint",
        "tui-action-wrong-stage-help",
    ),
    Entry {
        short: Some("tui-action-stale-short"),
        ..entry(
            Action::Stale,
            "stale",
            &[(&[M::Card], &["s"], MAIN)],
            "tui-action-stale-hint",
            "tui-action-stale-help",
        )
    },
    Entry {
        short: Some("tui-action-dead-short"),
        ..entry(
            Action::Dead,
            "dead",
            &[(&[M::Card], &["d"], MAIN)],
            "tui-action-dead-hint",
            "tui-action-dead-help",
        )
    },
    entry(
        Action::Unclear,
        "unclear",
        &[(&[M::Card], &["i"], MAIN)],
        "tui-action-unclear-hint",
        "tui-action-unclear-help",
    ),
    item(1, "item_1", digit!("1")),
    item(2, "item_2", digit!("2")),
    item(3, "item_3", digit!("3")),
    item(4, "item_4", digit!("4")),
    item(5, "item_5", digit!("5")),
    item(6, "item_6", digit!("6")),
    item(7, "item_7", digit!("7")),
    item(8, "item_8", digit!("8")),
    item(9, "item_9", digit!("9")),
    entry(
        Action::Accept,
        "accept",
        &[(&[M::Decide], &["a"], MAIN)],
        "tui-action-accept-hint",
        "tui-action-accept-help",
    ),
    entry(
        Action::Override,
        "override",
        &[(&[M::Decide], &["o"], MAIN)],
        "tui-action-override-hint",
        "tui-action-override-help",
    ),
    entry(
        Action::SendBack,
        "send_back",
        &[(&[M::Decide], &["b"], MAIN)],
        "tui-action-send-back-hint",
        "tui-action-send-back-help",
    ),
    entry(
        Action::Pane,
        "pane",
        &[(&[M::Decide], &["tab"], MAIN)],
        "tui-action-pane-hint",
        "tui-action-pane-help",
    ),
    entry(
        Action::ToggleAll,
        "all",
        &[(&[M::Reviews], &["t"], OFTEN)],
        "tui-action-all-hint",
        "tui-action-all-help",
    ),
    Entry {
        hint_on: Some("tui-action-all-cards-hint-on"),
        ..entry(
            Action::AllCards,
            "all_cards",
            &[(&[M::Queue], &["t"], RARE)],
            "tui-action-all-cards-hint",
            "tui-action-all-cards-help",
        )
    },
    entry(
        Action::Stats,
        "stats",
        &[(&[M::Funnel, M::Queue], &["4"], RARE)],
        "tui-action-stats-hint",
        "tui-action-stats-help",
    ),
    Entry {
        help_in: &[(M::Fields, "tui-action-fields-help-fields")],
        hint_in: &[(M::Fields, "tui-action-fields-hint-fields")],
        ..entry(
            Action::Fields,
            "fields",
            &[(&[M::Stats, M::Fields], &["f"], OFTEN)],
            "tui-action-fields-hint",
            "tui-action-fields-help",
        )
    },
    Entry {
        short: Some("tui-action-owner-short"),
        ..entry(
            Action::Owner,
            "owner",
            &[(&[M::Card], &["r"], RARE)],
            "tui-action-owner-hint",
            "tui-action-owner-help",
        )
    },
    entry(
        Action::Correct,
        "correct",
        &[(&[M::Card], &["e"], RARE)],
        "tui-action-correct-hint",
        "tui-action-correct-help",
    ),
    Entry {
        short: Some("tui-action-comment-short"),
        ..entry(
            Action::Comment,
            "comment",
            &[(&[M::Card], &["c"], KEEP)],
            "tui-action-comment-hint",
            "tui-action-comment-help",
        )
    },
    entry(
        Action::OpenCrm,
        "open_crm",
        // On the bar for a card with a CRM link (the view drops it for one without): the card
        // is judged by what the CRM shows.
        &[(&[M::Card], &["l"], MAIN)],
        "tui-action-open-crm-hint",
        "tui-action-open-crm-help",
    ),
    Entry {
        help_in: &[(M::Decide, "tui-action-skip-help-decide")],
        ..entry(
            Action::Skip,
            "skip",
            &[(CARDS, &["space"], HELP_ONLY)],
            "tui-action-skip-hint",
            "tui-action-skip-help",
        )
    },
    Entry {
        help_in: &[(M::Decide, "tui-action-prev-help-decide")],
        ..entry(
            Action::Prev,
            "prev",
            &[(CARDS, &["p"], HELP_ONLY)],
            "tui-action-prev-hint",
            "tui-action-prev-help",
        )
    },
    Entry {
        short: Some("tui-action-undo-short"),
        help_in: &[
            (M::Queue, "tui-action-undo-help-queue"),
            (M::Decide, "tui-action-undo-help-decide"),
        ],
        ..entry(
            Action::Undo,
            "undo",
            &[
                (&[M::Card], &["u", "backspace"], AFTER_VERDICT),
                // After the verdict that ended the stage's list, the queue is where it is taken
                // back.
                (&[M::Queue], &["u", "backspace"], AFTER_VERDICT),
                (&[M::Decide], &["u", "backspace"], KEEP),
            ],
            "tui-action-undo-hint",
            "tui-action-undo-help",
        )
    },
    Entry {
        help_in: &[(M::Reviews, "tui-action-open-help-reviews")],
        ..entry(
            Action::Open,
            "open",
            &[(LISTS, &["enter"], MAIN)],
            "tui-action-open-hint",
            "tui-action-open-help",
        )
    },
    entry(
        Action::Choose,
        "choose",
        &[(TYPING, &["enter"], KEEP)],
        "tui-action-choose-hint",
        "tui-action-choose-help",
    ),
    entry(
        Action::NewLine,
        "new_line",
        // Alt-enter where the terminal tells it from enter; ctrl-j (a line feed) in every one.
        &[(&[M::Comment], &["alt-enter", "ctrl-j"], MAIN)],
        "tui-action-new-line-hint",
        "tui-action-new-line-help",
    ),
    entry(
        Action::NextStage,
        "next_stage",
        &[(&[M::Queue], &["n"], HELP_ONLY)],
        "tui-action-next-stage-hint",
        "tui-action-next-stage-help",
    ),
    Entry {
        help_in: &[
            (M::Reviews, "tui-action-filter-help-reviews"),
            (M::Card, "tui-action-filter-help-card"),
        ],
        ..entry(
            Action::Filter,
            "filter",
            // On a card too, where a name typed for the filter would be read as keys.
            &[
                (&[M::Queue, M::Reviews], &["/"], OFTEN),
                (&[M::Card], &["/"], HELP_ONLY),
            ],
            "tui-action-filter-hint",
            "tui-action-filter-help",
        )
    },
    Entry {
        help_in: &[(M::Decide, "tui-action-down-help-decide")],
        ..entry(
            Action::Down,
            "down",
            &[
                (MOVED, &["j", "down"], HELP_ONLY),
                (CARDS, &["j", "down"], HELP_ONLY),
                (LISTS_TYPED, &["down", "ctrl-n"], RARE),
                (&[M::Help], &["j", "down"], HELP_ONLY),
            ],
            "tui-action-down-hint",
            "tui-action-down-help",
        )
    },
    Entry {
        help_in: &[(M::Decide, "tui-action-up-help-decide")],
        ..entry(
            Action::Up,
            "up",
            &[
                (MOVED, &["k", "up"], HELP_ONLY),
                (CARDS, &["k", "up"], HELP_ONLY),
                (LISTS_TYPED, &["up", "ctrl-p"], HELP_ONLY),
                (&[M::Help], &["k", "up"], HELP_ONLY),
            ],
            "tui-action-up-hint",
            "tui-action-up-help",
        )
    },
    entry(
        Action::PageDown,
        "page_down",
        &[
            (SCREENS, &["J", "pgdn"], HELP_ONLY),
            (&[M::Help], &["J", "pgdn", "space"], HELP_ONLY),
        ],
        "tui-action-page-down-hint",
        "tui-action-page-down-help",
    ),
    entry(
        Action::PageUp,
        "page_up",
        &[
            (SCREENS, &["K", "pgup"], HELP_ONLY),
            (&[M::Help], &["K", "pgup"], HELP_ONLY),
        ],
        "tui-action-page-up-hint",
        "tui-action-page-up-help",
    ),
    entry(
        Action::First,
        "first",
        &[
            (SCREENS, &["g", "home"], HELP_ONLY),
            (&[M::Help], &["g", "home"], HELP_ONLY),
        ],
        "tui-action-first-hint",
        "tui-action-first-help",
    ),
    entry(
        Action::Last,
        "last",
        &[(SCREENS, &["G", "end"], HELP_ONLY)],
        "tui-action-last-hint",
        "tui-action-last-help",
    ),
    entry(
        Action::Close,
        "close",
        &[
            (&[M::Queue, M::Reviews], &["esc"], HELP_ONLY),
            (
                &[M::Picker, M::Filter, M::Input, M::Comment],
                &["esc"],
                KEEP,
            ),
            (&[M::Help], &["esc", "?", "q"], KEEP),
        ],
        "tui-action-close-hint",
        "tui-action-close-help",
    ),
    entry(
        Action::Help,
        "help",
        &[(SCREENS, &["?"], KEEP)],
        "tui-action-help-hint",
        "tui-action-help-help",
    ),
    Entry {
        help_in: &[
            (M::Reviews, "tui-action-back-help-reviews"),
            (M::Decide, "tui-action-back-help-decide"),
        ],
        ..entry(
            Action::Back,
            "back",
            &[
                (NOT_CARD, &["q"], KEEP),
                (&[M::Card], &["q"], AFTER_VERDICT),
            ],
            "tui-action-back-hint",
            "tui-action-back-help",
        )
    },
    entry(
        Action::Quit,
        "quit",
        &[(&Mode::ALL, &["ctrl-c"], HELP_ONLY)],
        "tui-action-quit-hint",
        "tui-action-quit-help",
    ),
];

/// A key typed into a text box is no table's row: its words, should help ever list it.
static TYPE: Entry = entry(
    Action::Type(super::keymap::Key::char(' ')),
    "type",
    &[],
    "tui-action-type-hint",
    "tui-action-type-help",
);

impl Action {
    /// The action's row of [`TABLE`].
    pub fn entry(self) -> &'static Entry {
        // `Item(0)` is the hint bar's one `1-9` entry for every item: item 1's words.
        let action = match self {
            Action::Item(0) => Action::Item(1),
            a => a,
        };
        TABLE.iter().find(|e| e.action == action).unwrap_or(&TYPE)
    }

    /// Every bindable action, in the order help lists them.
    pub fn all() -> Vec<Action> {
        TABLE.iter().map(|e| e.action).collect()
    }

    /// The name used in the keymap file.
    pub fn name(self) -> String {
        self.entry().name.to_string()
    }

    pub fn from_name(name: &str) -> Option<Action> {
        TABLE.iter().find(|e| e.name == name).map(|e| e.action)
    }

    /// The keys that move: through a list, or down a page of text.
    pub fn moves(self) -> bool {
        matches!(
            self,
            Action::Down
                | Action::Up
                | Action::PageDown
                | Action::PageUp
                | Action::First
                | Action::Last
        )
    }

    /// Where a move key takes the cursor at row `at` of a list of `len` rows, `page` rows to a
    /// page (`None`: not a move key), so every list moves alike.
    pub fn move_in_list(self, at: usize, len: usize, page: usize) -> Option<usize> {
        let last = len.saturating_sub(1);
        Some(match self {
            Action::Down => (at + 1).min(last),
            Action::Up => at.saturating_sub(1),
            Action::PageDown => (at + page).min(last),
            Action::PageUp => at.saturating_sub(page),
            Action::First => 0,
            Action::Last => last,
            _ => return None,
        })
    }

    /// The item's number, for the messages that say it.
    fn number(self) -> Option<u8> {
        match self {
            Action::Item(n) => Some(n),
            _ => None,
        }
    }

    /// The hint bar's word for the action, in the current language.
    pub fn hint(self) -> String {
        crate::text::tui::action(self.entry().hint, self.number())
    }

    /// The hint bar's word for the action on a screen (where it does something else there).
    pub fn hint_in(self, mode: Mode) -> String {
        let e = self.entry();
        let id = (e.hint_in.iter())
            .find(|(m, _)| *m == mode)
            .map_or(e.hint, |(_, id)| id);
        crate::text::tui::action(id, self.number())
    }

    /// The hint bar's word while the switch the action flips is on, where it has one.
    pub fn hint_on(self) -> Option<String> {
        (self.entry().hint_on).map(|id| crate::text::tui::action(id, self.number()))
    }

    /// Whether the action records a verdict.
    pub fn is_verdict(self) -> bool {
        matches!(
            self,
            Action::Ok | Action::WrongStage | Action::Stale | Action::Dead | Action::Unclear
        )
    }

    /// Whether the action records a judgement at once: an auditor's verdict, a lead's accept
    /// or return (override asks for the verdict first).
    pub fn judges(self) -> bool {
        self.is_verdict() || matches!(self, Action::Accept | Action::SendBack)
    }

    /// A shorter hint word for a narrow bar, where the action has one.
    pub fn short_hint(self) -> Option<String> {
        (self.entry().short).map(|id| crate::text::tui::action(id, self.number()))
    }

    /// Help's line for the action on a screen, where the action is a checklist item's key and
    /// that item is answered on a `0..=scale` scale: what the key does to a scale item, which
    /// is not the pass → fail → n/a of the others (tester42 F5). Other keys, other items, and
    /// screens where the key does something else: [`Action::help`].
    pub fn help_scaled(self, mode: Mode, scale: Option<u8>) -> String {
        let elsewhere = self.entry().help_in.iter().any(|(m, _)| *m == mode);
        match (self, scale) {
            (Action::Item(n), Some(max)) if !elsewhere => {
                crate::text::tui::action_scale(ITEM_HELP_SCALE, n, max)
            }
            _ => self.help(mode),
        }
    }

    /// Help's line for the action on a screen: the lead's screens say what the keys do there.
    pub fn help(self, mode: Mode) -> String {
        let e = self.entry();
        let id = e
            .help_in
            .iter()
            .find(|(m, _)| *m == mode)
            .map_or(e.help, |(_, id)| id);
        crate::text::tui::action(id, self.number())
    }
}

/// Help's line for a checklist item's key where the item is a scale (`$n`, `$max`, `$steps`).
const ITEM_HELP_SCALE: &str = "tui-action-item-help-scale";

/// Every message id the table names (tests check each is in both catalogues).
pub fn message_ids() -> Vec<&'static str> {
    TABLE
        .iter()
        .chain(std::iter::once(&TYPE))
        .flat_map(|e| {
            [e.hint, e.help]
                .into_iter()
                .chain(e.short)
                .chain(e.help_in.iter().map(|(_, id)| *id))
                .chain(e.hint_in.iter().map(|(_, id)| *id))
                .chain(e.hint_on)
        })
        .chain(std::iter::once(ITEM_HELP_SCALE))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::i18n;
    use crate::text::lang::Lang;

    #[test]
    fn every_action_has_its_hint_and_help_in_both_languages() {
        for id in message_ids() {
            for lang in Lang::ALL {
                assert!(i18n::has(lang, id), "{id} missing in {lang:?}");
            }
        }
    }

    #[test]
    fn names_are_unique_and_read_back() {
        for a in Action::all() {
            assert_eq!(Action::from_name(&a.name()), Some(a), "{a:?}");
        }
        assert_eq!(Action::Item(3).name(), "item_3");
    }

    #[test]
    fn the_lead_s_screens_say_what_a_key_does_there() {
        crate::text::lang::with(Lang::En, || {
            assert_eq!(Action::Back.help(Mode::Reviews), "quit");
            assert_eq!(
                Action::Back.help(Mode::Card),
                "back one screen (quit from the funnel)"
            );
            assert_eq!(
                Action::Item(4).help(Mode::Card),
                "checklist item 4: suggestion, then pass → fail → n/a"
            );
        });
        crate::text::lang::with(Lang::Ru, || {
            assert_eq!(
                Action::Item(4).help(Mode::Card),
                "пункт чек-листа 4: подсказка, затем да → нет → н/п"
            );
            assert_eq!(Action::WrongStage.hint(), "не тот этап");
        });
    }

    /// tester42 F5: help's line for a scale item's key said «да → нет → н/п»; it says what the
    /// key does to that item, as the marks section does. A pass/fail item, and the lead's
    /// screen where the key corrects the item, keep their lines.
    #[test]
    fn a_scale_item_s_key_says_it_steps_down_its_scale() {
        crate::text::lang::with(Lang::Ru, || {
            assert_eq!(
                Action::Item(5).help_scaled(Mode::Card, Some(5)),
                "пункт чек-листа 5, шкала 0–5: подсказка, затем 5 → 4 → … → 0 → н/п"
            );
            assert_eq!(
                Action::Item(2).help_scaled(Mode::Card, Some(2)),
                "пункт чек-листа 2, шкала 0–2: подсказка, затем 2 → 1 → 0 → н/п"
            );
            assert_eq!(
                Action::Item(4).help_scaled(Mode::Card, None),
                Action::Item(4).help(Mode::Card)
            );
            assert_eq!(
                Action::Item(5).help_scaled(Mode::Decide, Some(5)),
                Action::Item(5).help(Mode::Decide)
            );
        });
        crate::text::lang::with(Lang::En, || {
            assert_eq!(
                Action::Item(5).help_scaled(Mode::Card, Some(5)),
                "checklist item 5, a 0–5 scale: suggestion, then 5 → 4 → … → 0 → n/a"
            );
        });
    }
}
