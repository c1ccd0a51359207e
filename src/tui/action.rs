//! Every intent the reviewer understands, as a plain enum. Keys map to actions through the
//! keymap table; update() is the only place an action changes state.

/// An action, bound to keys in [`super::keymap`]. `Type` is not bindable: it carries a key typed
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
    /// Pickers and one-line inputs: take the selection or the text.
    Choose,
    /// The lead: the auditor's review stands.
    Accept,
    /// The lead: another verdict (and suggestion) replaces the auditor's.
    Override,
    /// The lead: back to the auditor, with a note.
    SendBack,
    /// The lead's list: decided reviews too, or only those awaiting a decision.
    ToggleAll,
    /// A stage's queue: closed and gone cards without flags too, or only the cards to look at.
    AllCards,
    /// The stats screen: where the funnel leaks.
    Stats,
    /// The card's page in the CRM, in the browser (or its address, to copy).
    OpenCrm,
    /// A key typed into a text box (filter, picker query, comment, field value).
    Type(super::keymap::Key),
}

impl Action {
    /// Every bindable action, in the order help lists them.
    pub fn all() -> Vec<Action> {
        let mut v = vec![
            Action::Ok,
            Action::WrongStage,
            Action::Stale,
            Action::Dead,
            Action::Unclear,
        ];
        v.extend((1..=9).map(Action::Item));
        v.extend([
            Action::Accept,
            Action::Override,
            Action::SendBack,
            Action::ToggleAll,
            Action::AllCards,
            Action::Stats,
            Action::Owner,
            Action::Correct,
            Action::Comment,
            Action::OpenCrm,
            Action::Skip,
            Action::Prev,
            Action::Undo,
            Action::Open,
            Action::Choose,
            Action::NextStage,
            Action::Filter,
            Action::Down,
            Action::Up,
            Action::PageDown,
            Action::PageUp,
            Action::First,
            Action::Last,
            Action::Close,
            Action::Help,
            Action::Back,
            Action::Quit,
        ]);
        v
    }

    /// The name used in the keymap file.
    pub fn name(self) -> String {
        let s = match self {
            Action::Help => "help",
            Action::Back => "back",
            Action::Quit => "quit",
            Action::Down => "down",
            Action::Up => "up",
            Action::First => "first",
            Action::Last => "last",
            Action::Open => "open",
            Action::Filter => "filter",
            Action::Close => "close",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::NextStage => "next_stage",
            Action::Ok => "ok",
            Action::WrongStage => "wrong_stage",
            Action::Stale => "stale",
            Action::Dead => "dead",
            Action::Unclear => "unclear",
            Action::Item(n) => return format!("item_{n}"),
            Action::Owner => "owner",
            Action::Correct => "correct",
            Action::Comment => "comment",
            Action::Skip => "skip",
            Action::Prev => "prev",
            Action::Undo => "undo",
            Action::Choose => "choose",
            Action::Accept => "accept",
            Action::Override => "override",
            Action::SendBack => "send_back",
            Action::ToggleAll => "all",
            Action::AllCards => "all_cards",
            Action::Stats => "stats",
            Action::OpenCrm => "open_crm",
            Action::Type(_) => "type",
        };
        s.to_string()
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::all().into_iter().find(|a| a.name() == name)
    }
}
