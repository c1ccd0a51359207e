//! The keys in force, from the action table's defaults and the user's rebindings: they dispatch
//! key presses, draw the hint bar and the help overlay, and are what `okk keys` prints, so none
//! of them can drift from another. Users rebind actions
//! per screen in the config file (`[keys.card] stale = "z"`).

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthStr;

use super::action::Action;
use crate::text::tui as msg;

/// A key press, normalised: a character carries no Shift (the character says it), so `G` is
/// `G` however the terminal reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// `a`, `G`, `ctrl-c`, `alt-x`, `enter`, `esc`, `space`, `backspace`, `tab`, `up`, `down`,
    /// `left`, `right`, `pgup`, `pgdn`, `home`, `end`, `delete`, `f1`…`f12`; and the names keys
    /// are shown by (`↑` `↓` `←` `→`, `PgUp`, `PgDn`, `Del`: any case), so that a key copied
    /// from the help or `okk keys` into the config file means that key.
    pub fn parse(s: &str) -> Option<Key> {
        let mut rest = s.trim();
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 && lower.starts_with("ctrl-") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 1 && lower.starts_with("alt-") {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some('↑'), None) => KeyCode::Up,
            (Some('↓'), None) => KeyCode::Down,
            (Some('←'), None) => KeyCode::Left,
            (Some('→'), None) => KeyCode::Right,
            (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pagedown" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "delete" | "del" => KeyCode::Delete,
                f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok().filter(|n| *n >= 1)?),
                _ => return None,
            },
        };
        Some(Key { code, ctrl, alt })
    }

    pub fn from_event(e: &KeyEvent) -> Key {
        let ctrl = e.modifiers.contains(KeyModifiers::CONTROL);
        let code = match e.code {
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        Key {
            code,
            ctrl,
            alt: e.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// The crossterm event this key is (for text boxes, which take events).
    pub fn to_event(self) -> KeyEvent {
        let mut m = KeyModifiers::NONE;
        if self.ctrl {
            m |= KeyModifiers::CONTROL;
        }
        if self.alt {
            m |= KeyModifiers::ALT;
        }
        KeyEvent::new(self.code, m)
    }
}

/// A key as the hint bar, the help, `okk keys` and the messages name it, in either language:
/// the keyboard's own legends for the keys that have one (`↓`, `PgDn`, `Home`, `Del`), not the
/// config file's spellings (`down`, `pgdn`), which read as English words in a Russian screen;
/// [`Key::parse`] takes both.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("backtab"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Where the keys are read: each screen and popup has its own layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Funnel,
    Queue,
    Card,
    /// Typing the queue's text filter.
    Filter,
    Picker,
    Comment,
    /// Typing a corrected field value or a note.
    Input,
    Help,
    /// The lead's list of reviews.
    Reviews,
    /// The lead deciding on one review.
    Decide,
    /// Where the funnel leaks: figures per stage and manager, bottlenecks.
    Stats,
    /// The stats screen's fields view: a list to read, with nothing to open.
    Fields,
}

impl Mode {
    pub const ALL: [Mode; 12] = [
        Mode::Funnel,
        Mode::Queue,
        Mode::Card,
        Mode::Filter,
        Mode::Picker,
        Mode::Comment,
        Mode::Input,
        Mode::Help,
        Mode::Reviews,
        Mode::Decide,
        Mode::Stats,
        Mode::Fields,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Funnel => "funnel",
            Mode::Queue => "queue",
            Mode::Card => "card",
            Mode::Filter => "filter",
            Mode::Picker => "picker",
            Mode::Comment => "comment",
            Mode::Input => "input",
            Mode::Help => "help",
            Mode::Reviews => "reviews",
            Mode::Decide => "decide",
            Mode::Stats => "stats",
            Mode::Fields => "fields",
        }
    }

    /// Keys bound nowhere in a text mode are typed into its box.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Mode::Filter | Mode::Picker | Mode::Comment | Mode::Input
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub mode: Mode,
    pub key: Key,
    pub action: Action,
    /// How long the action stays in the hint bar as the terminal narrows ([`HELP_ONLY`] for
    /// help only): the lowest rank gives way first.
    pub hint: u8,
}

pub use super::action::{HELP_ONLY, MAIN};

/// The default keys, as the action table lists them: one binding per screen and key.
fn defaults() -> Vec<Binding> {
    let mut out = Vec::new();
    for e in super::action::TABLE {
        for &(modes, keys, hint) in e.keys {
            for &mode in modes {
                for k in keys {
                    out.push(Binding {
                        mode,
                        key: Key::parse(k).expect("default keys parse"),
                        action: e.action,
                        hint,
                    });
                }
            }
        }
    }
    out
}

/// The key that quits on every screen, whatever the config file rebinds.
const QUIT_ALWAYS: Key = Key::ctrl('c');

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bindings: defaults(),
        }
    }
}

/// A problem in the user's `[keys]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeymapError {
    /// Byte offset in the config file.
    pub offset: usize,
    pub message: String,
}

/// `[keys.MODE] action = "key"` or `action = ["key", "key"]`, as read from the config file.
pub type KeysTable =
    BTreeMap<toml::Spanned<String>, BTreeMap<toml::Spanned<String>, toml::Spanned<KeyList>>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

/// By hand rather than `untagged`: a wrong value is then said as what was expected ("a key or a
/// list of keys"), in the user's language, not as serde's "did not match any variant".
impl<'de> serde::Deserialize<'de> for KeyList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KeyList, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = KeyList;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(crate::text::funnel_config::EXPECTING_KEYS)
            }

            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<KeyList, E> {
                Ok(KeyList::One(key.to_string()))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<KeyList, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = seq.next_element::<String>()? {
                    keys.push(key);
                }
                Ok(KeyList::Many(keys))
            }
        }
        d.deserialize_any(Keys)
    }
}

impl Keymap {
    /// The defaults with the user's rebindings: each action named replaces that action's keys
    /// on that screen.
    pub fn with_overrides(table: &KeysTable) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::default();
        for (mode_name, actions) in table {
            let mode = Mode::ALL
                .into_iter()
                .find(|m| m.name() == mode_name.get_ref())
                .ok_or_else(|| KeymapError {
                    offset: mode_name.span().start,
                    message: msg::unknown_mode(mode_name.get_ref()),
                })?;
            for (action_name, keys) in actions {
                let action =
                    Action::from_name(action_name.get_ref()).ok_or_else(|| KeymapError {
                        offset: action_name.span().start,
                        message: msg::unknown_action(
                            action_name.get_ref(),
                            &Action::all()
                                .into_iter()
                                .map(Action::name)
                                .collect::<Vec<_>>(),
                        ),
                    })?;
                let list = match keys.get_ref() {
                    KeyList::One(k) => vec![k.clone()],
                    KeyList::Many(ks) => ks.clone(),
                };
                let hint = map
                    .bindings
                    .iter()
                    .filter(|b| b.mode == mode && b.action == action)
                    .map(|b| b.hint)
                    .max()
                    .unwrap_or(HELP_ONLY);
                map.bindings
                    .retain(|b| !(b.mode == mode && b.action == action));
                for k in list {
                    let key = Key::parse(&k).ok_or_else(|| KeymapError {
                        offset: keys.span().start,
                        message: msg::bad_key(&k),
                    })?;
                    // Ctrl-C quits on every screen whatever the file says (the docs' promise, and
                    // the way out a terminal user knows): it means nothing else.
                    if key == QUIT_ALWAYS && action != Action::Quit {
                        return Err(KeymapError {
                            offset: keys.span().start,
                            message: msg::key_reserved(&k),
                        });
                    }
                    if let Some(other) =
                        map.bindings.iter().find(|b| b.mode == mode && b.key == key)
                    {
                        return Err(KeymapError {
                            offset: keys.span().start,
                            message: msg::key_taken(&k, &other.action.name()),
                        });
                    }
                    map.bindings.push(Binding {
                        mode,
                        key,
                        action,
                        hint,
                    });
                }
                // `quit` rebound without Ctrl-C keeps it all the same.
                if action == Action::Quit
                    && !(map.bindings.iter()).any(|b| b.mode == mode && b.key == QUIT_ALWAYS)
                {
                    map.bindings.push(Binding {
                        mode,
                        key: QUIT_ALWAYS,
                        action,
                        hint: HELP_ONLY,
                    });
                }
            }
        }
        Ok(map)
    }

    /// The action `key` is bound to in `mode`: the key itself, else — a letter of the Russian
    /// layout bound to nothing — the Latin key it was typed on (`ф` for `a`). A text box types
    /// such a letter as it is; a key with Ctrl or Alt has no letter to type, so it takes the
    /// Latin key's meaning there too (Ctrl+ч for Ctrl+x).
    pub fn lookup(&self, mode: Mode, key: Key) -> Option<Action> {
        self.bound(mode, key).or_else(|| {
            let typed = mode.takes_text() && !key.ctrl && !key.alt;
            let KeyCode::Char(c) = key.code else {
                return None;
            };
            let twin = super::layout::latin_twin(c).filter(|_| !typed)?;
            let twin = if key.ctrl {
                twin.to_ascii_lowercase()
            } else {
                twin
            };
            self.bound(
                mode,
                Key {
                    code: KeyCode::Char(twin),
                    ..key
                },
            )
        })
    }

    /// `key` means something in `mode` only as the Latin key under a Russian layout's letter.
    pub fn through_layout(&self, mode: Mode, key: Key) -> bool {
        self.bound(mode, key).is_none() && self.lookup(mode, key).is_some()
    }

    /// The action bound to exactly `key` in `mode`.
    fn bound(&self, mode: Mode, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|b| b.mode == mode && b.key == key)
            .map(|b| b.action)
    }

    /// The action a key means in `mode`; in a text mode an unbound key is typed.
    pub fn action(&self, mode: Mode, key: Key) -> Option<Action> {
        self.lookup(mode, key)
            .or_else(|| mode.takes_text().then_some(Action::Type(key)))
    }

    /// The keys of each action in `mode`, in the order help lists actions: the help overlay
    /// and `okk keys` print this.
    pub fn rows(&self, mode: Mode) -> Vec<(Action, Vec<Key>)> {
        let mut rows: Vec<(Action, Vec<Key>)> = Vec::new();
        for action in Action::all() {
            let keys: Vec<Key> = self
                .bindings
                .iter()
                .filter(|b| b.mode == mode && b.action == action)
                .map(|b| b.key)
                .collect();
            if !keys.is_empty() {
                rows.push((action, keys));
            }
        }
        rows
    }

    /// The hints of `mode` with their ranks: the first key of each hinted action, in help's
    /// order. Checklist items show as one `1-9` entry.
    pub fn hints(&self, mode: Mode) -> Vec<(String, Action, u8)> {
        let rank = |action: Action| {
            self.bindings
                .iter()
                .filter(|b| b.mode == mode && b.action == action)
                .map(|b| b.hint)
                .max()
                .unwrap_or(HELP_ONLY)
        };
        let rows = self.rows(mode);
        let mut out = Vec::new();
        for (action, keys) in &rows {
            let r = rank(*action);
            if r == HELP_ONLY {
                continue;
            }
            match action {
                Action::Item(1) => {
                    let last = rows
                        .iter()
                        .rev()
                        .find(|(a, _)| matches!(a, Action::Item(_)));
                    if let Some((_, lk)) = last.filter(|(a, _)| *a != Action::Item(1)) {
                        out.push((format!("{}-{}", keys[0], lk[0]), Action::Item(0), r));
                    } else {
                        out.push((keys[0].to_string(), *action, r));
                    }
                }
                Action::Item(_) => {}
                _ => out.push((keys[0].to_string(), *action, r)),
            }
        }
        out
    }

    /// The hint bar of `mode` in `width` columns: whole entries only (a cut-off hint reads as
    /// another key), the lowest ranked giving way first, the last of equals before the first.
    /// Shorter words (where an action has one) are taken only when they keep a hint that the
    /// whole words would drop; a verdict's last, and only for a hint of the verdicts' rank.
    pub fn hint_bar(&self, mode: Mode, width: usize) -> Vec<Hint> {
        self.hint_bar_without(mode, width, &[])
    }

    /// [`Keymap::hint_bar`] without the hints of `absent`: actions the screen has nothing for
    /// now (`l` on a card with no CRM link).
    pub fn hint_bar_without(&self, mode: Mode, width: usize, absent: &[Action]) -> Vec<Hint> {
        self.hint_bar_saying(mode, width, absent, &[])
    }

    /// [`Keymap::hint_bar_without`], an action of `saying` hinted by its word there: what the
    /// key does in the popup open (enter in the lead's note box sends the review back).
    pub fn hint_bar_saying(
        &self,
        mode: Mode,
        width: usize,
        absent: &[Action],
        saying: &[(Action, String)],
    ) -> Vec<Hint> {
        let hints: Vec<(Hint, u8)> = (self.hints(mode).into_iter())
            .filter(|(_, action, _)| !absent.contains(action))
            .map(|(key, action, rank)| {
                let word = (saying.iter())
                    .find(|(a, _)| *a == action)
                    .map_or_else(|| action.hint_in(mode), |(_, word)| word.clone());
                (Hint { key, action, word }, rank)
            })
            .collect();
        // The shorter words the bar may take, the one saving most columns first, a verdict's
        // last: a verdict's name is what the auditor records, and what the status line, help
        // and the export call it.
        let mut shorter: Vec<(usize, String)> = (hints.iter().enumerate())
            .filter(|(_, (h, _))| !saying.iter().any(|(a, _)| *a == h.action))
            .filter_map(|(i, (h, _))| {
                let word = h.action.short_hint()?;
                (word.width() < h.word.width()).then_some((i, word))
            })
            .collect();
        shorter.sort_by_key(|(i, word)| {
            let h = &hints[*i].0;
            (
                h.action.is_verdict(),
                Reverse(h.word.width() - word.width()),
            )
        });
        shorter.truncate(16);
        let with = |set: u32| {
            let mut words = hints.clone();
            for (bit, (i, word)) in shorter.iter().enumerate() {
                if set & (1 << bit) != 0 {
                    words[*i].0.word.clone_from(word);
                }
            }
            fit(words, width)
        };
        let verdicts = |set: u32| {
            (shorter.iter().enumerate())
                .filter(|(bit, (i, _))| set & (1 << bit) != 0 && hints[*i].0.action.is_verdict())
                .count()
        };
        // The hints every short word keeps that rank with the verdicts (comment, help, the CRM
        // link, the verdicts themselves) must stay; a hint ranked lower (owner, the checklist,
        // undo) is kept by other hints' short words, never by a verdict's. Of the sets of short
        // words that keep them: the fewest verdicts shortened, then the most hints, then the
        // fewest words shortened. A handful of words: every set is tried.
        let all = (1u32 << shorter.len()) - 1;
        let must: Vec<Action> = (with(all).into_iter())
            .filter(|h| {
                hints
                    .iter()
                    .any(|(x, rank)| x.action == h.action && *rank >= MAIN)
            })
            .map(|h| h.action)
            .collect();
        // (verdicts shortened, hints dropped, words shortened): the least is the best.
        type Worse = (usize, Reverse<usize>, u32);
        let mut best: Option<(Worse, Vec<Hint>)> = None;
        for set in 0..=all {
            let bar = with(set);
            if !must.iter().all(|a| bar.iter().any(|h| h.action == *a)) {
                continue;
            }
            let key = (verdicts(set), Reverse(bar.len()), set.count_ones());
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, bar));
            }
        }
        best.map_or_else(|| with(all), |(_, bar)| bar)
    }
}

/// `hints` in `width` columns: the lowest ranked give way first, the last of equals before the
/// first.
fn fit(mut hints: Vec<(Hint, u8)>, width: usize) -> Vec<Hint> {
    // Columns one hint takes in the bar: ` key word `.
    let cost = |h: &(Hint, u8)| 3 + h.0.key.width() + h.0.word.width();
    while hints.iter().map(cost).sum::<usize>() > width {
        let Some(drop) = (0..hints.len()).rev().min_by_key(|&i| hints[i].1) else {
            break;
        };
        hints.remove(drop);
    }
    hints.into_iter().map(|(h, _)| h).collect()
}

/// One entry of the hint bar: the key, its action, and the word shown for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub key: String,
    pub action: Action,
    pub word: String,
}

/// `okk keys`: each screen, its keys, and what they do there.
pub fn key_table(keymap: &Keymap) -> String {
    use crate::text::review::KeyRow;
    let screens: Vec<(&str, Vec<KeyRow>)> = Mode::ALL
        .into_iter()
        .map(|mode| {
            let rows = keymap
                .rows(mode)
                .into_iter()
                .map(|(action, keys)| {
                    let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
                    KeyRow {
                        keys: keys.join(" "),
                        name: action.name(),
                        help: action.help(mode),
                    }
                })
                .collect();
            (mode.name(), rows)
        })
        .collect();
    crate::text::review::key_table(&screens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_and_print_back() {
        for s in [
            "a", "G", "ctrl-c", "enter", "esc", "space", "PgDn", "f5", "/", "?", "я", "↓", "↑",
            "←", "→", "PgUp", "Home", "End", "Del",
        ] {
            assert_eq!(Key::parse(s).unwrap().to_string(), s);
        }
        // The config file's words name the same keys, shown by their legends.
        for (word, shown) in [
            ("down", "↓"),
            ("up", "↑"),
            ("left", "←"),
            ("right", "→"),
            ("pgdn", "PgDn"),
            ("pagedown", "PgDn"),
            ("pgup", "PgUp"),
            ("home", "Home"),
            ("end", "End"),
            ("delete", "Del"),
        ] {
            assert_eq!(Key::parse(word).unwrap().to_string(), shown);
        }
        assert_eq!(Key::parse("Ctrl-C"), Some(Key::ctrl('c')));
        assert_eq!(Key::parse("ctrl-"), None);
        assert_eq!(Key::parse("nope"), None);
    }

    #[test]
    fn the_contract_keys_are_bound() {
        let k = Keymap::default();
        let card = |s: &str| k.lookup(Mode::Card, Key::parse(s).unwrap());
        assert_eq!(card("a"), Some(Action::Ok));
        assert_eq!(card("x"), Some(Action::WrongStage));
        assert_eq!(card("s"), Some(Action::Stale));
        assert_eq!(card("d"), Some(Action::Dead));
        assert_eq!(card("i"), Some(Action::Unclear));
        assert_eq!(card("3"), Some(Action::Item(3)));
        assert_eq!(card("r"), Some(Action::Owner));
        assert_eq!(card("e"), Some(Action::Correct));
        assert_eq!(card("c"), Some(Action::Comment));
        assert_eq!(card("space"), Some(Action::Skip));
        assert_eq!(card("p"), Some(Action::Prev));
        assert_eq!(card("u"), Some(Action::Undo));
        assert_eq!(card("backspace"), Some(Action::Undo));
        assert_eq!(card("J"), Some(Action::PageDown));
        assert_eq!(card("pgup"), Some(Action::PageUp));
        for m in Mode::ALL {
            assert_eq!(k.lookup(m, Key::ctrl('c')), Some(Action::Quit));
        }
        assert_eq!(
            k.action(Mode::Picker, Key::char('x')),
            Some(Action::Type(Key::char('x')))
        );
        assert_eq!(k.lookup(Mode::Picker, Key::ctrl('n')), Some(Action::Down));
    }

    /// A desk that typed a comment in Russian presses `a` with the layout still switched: `ф`
    /// means `a` wherever a letter types nothing, and is typed where it does.
    #[test]
    fn a_letter_of_the_russian_layout_acts_as_the_key_it_sits_on() {
        let k = Keymap::default();
        let card = |c: char| k.lookup(Mode::Card, Key::char(c));
        assert_eq!(card('ф'), Some(Action::Ok));
        assert_eq!(card('ч'), Some(Action::WrongStage));
        assert_eq!(card('ы'), Some(Action::Stale));
        assert_eq!(card('в'), Some(Action::Dead));
        assert_eq!(card('ш'), Some(Action::Unclear));
        assert_eq!(card('с'), Some(Action::Comment));
        assert_eq!(card('О'), Some(Action::PageDown), "Shift+о is J");
        let queue = |c: char| k.lookup(Mode::Queue, Key::char(c));
        assert!(queue('j').is_some());
        assert_eq!(queue('о'), queue('j'));
        // The `/` key types `.` and, with Shift, `,`: the filter and the help (tester34 F5).
        assert_eq!(queue('.'), Some(Action::Filter));
        assert_eq!(queue(','), queue('?'));
        assert!(queue('?').is_some());
        // In a text box the letter is typed, but Ctrl with a letter still means the key.
        for m in [Mode::Comment, Mode::Filter, Mode::Picker, Mode::Input] {
            assert_eq!(
                k.action(m, Key::char('ф')),
                Some(Action::Type(Key::char('ф')))
            );
            assert_eq!(k.lookup(m, Key::ctrl('с')), Some(Action::Quit), "{m:?}");
        }
        assert_eq!(k.lookup(Mode::Card, Key::ctrl('С')), Some(Action::Quit));
        // A Russian letter the user bound keeps its own meaning; a Latin letter has no twin.
        let table: KeysTable = toml::from_str("[card]\nstale = \"ф\"\n").unwrap();
        let k = Keymap::with_overrides(&table).unwrap();
        assert_eq!(k.lookup(Mode::Card, Key::char('ф')), Some(Action::Stale));
        assert_eq!(k.lookup(Mode::Card, Key::char('a')), Some(Action::Ok));
        assert_eq!(
            k.lookup(Mode::Card, Key::char('ы')),
            None,
            "s is stale's no more"
        );
    }

    #[test]
    fn no_key_means_two_things_on_one_screen() {
        let k = Keymap::default();
        for (i, a) in k.bindings.iter().enumerate() {
            for b in &k.bindings[i + 1..] {
                assert!(!(a.mode == b.mode && a.key == b.key), "{a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn a_rebinding_replaces_the_action_keys_and_refuses_a_taken_key() {
        let table: KeysTable = toml::from_str("[card]\nstale = \"z\"\n").unwrap();
        let k = Keymap::with_overrides(&table).unwrap();
        assert_eq!(k.lookup(Mode::Card, Key::char('z')), Some(Action::Stale));
        assert_eq!(k.lookup(Mode::Card, Key::char('s')), None);
        assert!(
            k.hints(Mode::Card)
                .iter()
                .any(|(key, a, _)| key == "z" && *a == Action::Stale)
        );
        let table: KeysTable = toml::from_str("[card]\nstale = \"a\"\n").unwrap();
        let e = Keymap::with_overrides(&table).unwrap_err();
        assert!(e.message.contains("ok"), "{}", e.message);
        let table: KeysTable = toml::from_str("[card]\nfly = \"z\"\n").unwrap();
        assert!(Keymap::with_overrides(&table).is_err());
    }

    /// Ctrl-C quits on every screen whatever the file says (tester33 F5: on the funnel screen
    /// `quit = "x"` dropped it and `stats = "ctrl-c"` took it, in whatever order the file named
    /// the actions): rebinding quit keeps it, binding it to anything else is refused.
    #[test]
    fn ctrl_c_quits_on_every_screen_whatever_the_file_rebinds() {
        let table: KeysTable = toml::from_str("[funnel]\nquit = \"x\"\n").unwrap();
        let k = Keymap::with_overrides(&table).unwrap();
        assert_eq!(k.lookup(Mode::Funnel, Key::ctrl('c')), Some(Action::Quit));
        assert_eq!(k.lookup(Mode::Funnel, Key::char('x')), Some(Action::Quit));
        for text in [
            "[funnel]\nquit = \"ctrl-q\"\nstats = \"ctrl-c\"\n",
            "[card]\nok = \"ctrl-c\"\nquit = \"z\"\n",
            "[card]\nquit = \"z\"\nok = \"ctrl-c\"\n",
        ] {
            let table: KeysTable = toml::from_str(text).unwrap();
            let e = Keymap::with_overrides(&table).unwrap_err();
            assert!(
                e.message.contains("quits on every screen"),
                "{text}: {}",
                e.message
            );
        }
    }

    /// At 80 columns, in both languages, a card with a CRM link keeps the five verdicts,
    /// comment, the link and help; one without keeps undo where there is room for it.
    #[test]
    fn at_80_columns_the_card_bar_keeps_the_verdicts_comment_crm_link_and_help() {
        use crate::text::lang::{Lang, with};
        let k = Keymap::default();
        for lang in [Lang::En, Lang::Ru] {
            let keys = |absent: &[Action]| -> Vec<String> {
                with(lang, || k.hint_bar_without(Mode::Card, 80, absent))
                    .into_iter()
                    .map(|h| h.key)
                    .collect()
            };
            let linked = keys(&[]);
            for key in ["a", "x", "s", "d", "i", "c", "l", "?"] {
                assert!(
                    linked.contains(&key.to_string()),
                    "{lang:?} {key}: {linked:?}"
                );
            }
            let unlinked = keys(&[Action::OpenCrm]);
            for key in ["a", "x", "s", "d", "i", "c", "?"] {
                assert!(
                    unlinked.contains(&key.to_string()),
                    "{lang:?} {key}: {unlinked:?}"
                );
            }
        }
        let english = with(Lang::En, || {
            keys_of(&k.hint_bar_without(Mode::Card, 80, &[Action::OpenCrm]))
        });
        assert!(english.contains(&"u".to_string()), "{english:?}");
    }

    /// A verdict's hint is the name the status line, help, the lead's list and the export give
    /// it, wherever the whole word keeps every hint on the bar; a short word only where the
    /// whole one would push another hint off, and no more of them than that takes.
    #[test]
    fn the_verdicts_hints_are_their_names_unless_a_hint_would_give_way() {
        use crate::domain::review::Verdict;
        use crate::text::lang::{Lang, with};
        let k = Keymap::default();
        let verdicts = [
            ("a", Verdict::Ok),
            ("x", Verdict::WrongStage),
            ("s", Verdict::Stale),
            ("d", Verdict::Dead),
            ("i", Verdict::Unclear),
        ];
        for lang in [Lang::En, Lang::Ru] {
            with(lang, || {
                let word = |bar: &[Hint], key: &str| {
                    let hint = bar.iter().find(|h| h.key == key);
                    hint.map(|h| h.word.clone()).unwrap_or_default()
                };
                // Room for all: every verdict by its name.
                let wide = k.hint_bar_without(Mode::Card, 200, &[]);
                for (key, v) in verdicts {
                    assert_eq!(word(&wide, key), crate::text::tui::verdict(v), "{lang:?}");
                }
                for width in [80, 100, 120] {
                    let bar = k.hint_bar_without(Mode::Card, width, &[Action::OpenCrm]);
                    // Each short word kept a hint: made whole, the bar would hold fewer.
                    for (key, v) in verdicts {
                        let whole = crate::text::tui::verdict(v);
                        if word(&bar, key) == whole {
                            continue;
                        }
                        let mut wider = bar.clone();
                        let at = wider.iter().position(|h| h.key == key).unwrap();
                        wider[at].word = whole;
                        let cost: usize = (wider.iter())
                            .map(|h| 3 + h.key.width() + h.word.width())
                            .sum();
                        assert!(cost > width, "{lang:?} {width}: {key} {bar:?}");
                    }
                }
            });
        }
        // In Russian at 80 columns, «в порядке» gives way and «мёртвый лид» fits beside the rest.
        let ru = with(Lang::Ru, || {
            k.hint_bar_without(Mode::Card, 80, &[Action::OpenCrm])
        });
        let words: Vec<&str> = ru.iter().map(|h| h.word.as_str()).collect();
        assert!(
            words.contains(&"ок") && words.contains(&"мёртвый лид"),
            "{words:?}"
        );
    }

    /// In Russian at 120 columns, a card without a CRM link keeps its eleven hints with every
    /// verdict by its name: owner, comment, undo and the checklist take their short words
    /// («отв.», «комм.», «отм.», «пункт») first. A verdict's short word keeps no hint ranked
    /// below the verdicts: where it would only keep the owner or undo, those give way.
    #[test]
    fn in_russian_at_120_columns_the_card_bar_names_every_verdict_and_keeps_every_hint() {
        use crate::text::lang::{Lang, with};
        let k = Keymap::default();
        let bar = with(Lang::Ru, || {
            k.hint_bar_without(Mode::Card, 120, &[Action::OpenCrm])
        });
        let shown: Vec<String> = bar
            .iter()
            .map(|h| format!("{} {}", h.key, h.word))
            .collect();
        assert_eq!(
            shown,
            [
                "a в порядке",
                "x не тот этап",
                "s устарела",
                "d мёртвый лид",
                "i неясно",
                "1-9 пункт",
                "r отв.",
                "c комм.",
                "u отм.",
                "? помощь",
                "q назад"
            ]
        );
        let cost: usize = (bar.iter())
            .map(|h| 3 + h.key.width() + h.word.width())
            .sum();
        assert!(cost <= 120, "{cost}");
        // Wider, the whole words come back; narrower, a verdict shortens only to keep a hint
        // that ranks with it.
        let wide = with(Lang::Ru, || {
            k.hint_bar_without(Mode::Card, 140, &[Action::OpenCrm])
        });
        assert!(
            wide.iter()
                .all(|h| h.action.short_hint() != Some(h.word.clone()))
        );
        for width in [60, 80, 90, 100, 110, 120, 130] {
            with(Lang::Ru, || {
                for absent in [&[][..], &[Action::OpenCrm][..]] {
                    let bar = k.hint_bar_without(Mode::Card, width, absent);
                    let short_verdict = (bar.iter()).any(|h| {
                        h.action.is_verdict() && h.action.short_hint() == Some(h.word.clone())
                    });
                    if !short_verdict {
                        continue;
                    }
                    // Made whole, the verdicts would push off a hint of their rank or above.
                    let mut whole = bar.clone();
                    for h in whole.iter_mut().filter(|h| h.action.is_verdict()) {
                        h.word = h.action.hint();
                    }
                    let cost: usize = (whole.iter())
                        .map(|h| 3 + h.key.width() + h.word.width())
                        .sum();
                    assert!(cost > width, "{width} {absent:?}: {bar:?}");
                }
            });
        }
    }

    /// tui2 F1: the stats screen's fields view listed `enter открыть`, which opened nothing
    /// there. Its keys are its own: they move, close it, help, and none opens a row.
    #[test]
    fn the_fields_view_offers_only_what_works_there() {
        let k = Keymap::default();
        let fields = |s: &str| k.lookup(Mode::Fields, Key::parse(s).unwrap());
        assert_eq!(fields("enter"), None);
        for (key, action) in [
            ("j", Action::Down),
            ("k", Action::Up),
            ("PgDn", Action::PageDown),
            ("g", Action::First),
            ("G", Action::Last),
            ("f", Action::Fields),
            ("q", Action::Back),
            ("?", Action::Help),
        ] {
            assert_eq!(fields(key), Some(action), "{key}");
        }
        for lang in crate::text::lang::Lang::ALL {
            let bar = crate::text::lang::with(lang, || k.hint_bar(Mode::Fields, 200));
            assert!(bar.iter().all(|h| h.action != Action::Open), "{bar:?}");
            assert!(bar.iter().any(|h| h.action == Action::Fields), "{bar:?}");
        }
        // The figures under it still open a bottleneck's cards.
        assert_eq!(
            k.lookup(Mode::Stats, Key::parse("enter").unwrap()),
            Some(Action::Open)
        );
    }

    fn keys_of(hints: &[Hint]) -> Vec<String> {
        hints.iter().map(|h| h.key.clone()).collect()
    }

    #[test]
    fn at_80_columns_the_card_bar_keeps_the_verdicts_comment_and_help() {
        let k = Keymap::default();
        let bar = |w: usize| -> Vec<String> {
            k.hint_bar(Mode::Card, w)
                .into_iter()
                .map(|h| h.key)
                .collect()
        };
        let narrow = bar(80);
        for key in ["a", "x", "s", "d", "i", "c", "?"] {
            assert!(narrow.iter().any(|k| k == key), "{key} missing: {narrow:?}");
        }
        // Field and owner give way before the checklist does.
        assert!(!narrow.iter().any(|k| k == "e" || k == "r"), "{narrow:?}");
        let wide = bar(120);
        // At 120 the CRM link's `l` is there, and the field's `e` gives way; at 140 all are.
        assert!(!wide.iter().any(|k| k == "e"), "{wide:?}");
        let wide = bar(120).into_iter().chain(bar(140)).collect::<Vec<_>>();
        for key in ["1-9", "r", "e", "i", "l"] {
            assert!(
                wide.iter().any(|k| k == key),
                "{key} missing at 120: {wide:?}"
            );
        }
        // In Russian too, where the words are longer.
        let ru = crate::text::lang::with(crate::text::lang::Lang::Ru, || bar(80));
        for key in ["a", "x", "s", "d", "i", "c", "l", "?"] {
            assert!(
                ru.iter().any(|k| k == key),
                "{key} missing in Russian: {ru:?}"
            );
        }
        // The stale verdict's word is whole where there is room, and never dropped: shortened
        // first, before any other hint gives way.
        let word = |w: usize| {
            crate::text::lang::with(crate::text::lang::Lang::Ru, || {
                let bar = k.hint_bar(Mode::Card, w);
                bar.into_iter().find(|h| h.key == "s").map(|h| h.word)
            })
        };
        assert_eq!(word(120).as_deref(), Some("устарела"));
        assert!(word(60).is_some());
        // Order is help's order whatever drops.
        let pos = |key: &str| narrow.iter().position(|k| k == key).unwrap();
        assert!(pos("a") < pos("i") && pos("i") < pos("c") && pos("c") < pos("l"));
        assert!(pos("l") < pos("?"));
    }

    /// `l` (open in the CRM) is on the card's bar where there is room, in both languages, and
    /// not for a card with no CRM link.
    #[test]
    fn the_card_bar_offers_the_crm_link_where_there_is_room_and_a_link() {
        use crate::text::lang::{Lang, with};
        let k = Keymap::default();
        for lang in [Lang::En, Lang::Ru] {
            let keys = |w: usize, absent: &[Action]| -> Vec<String> {
                with(lang, || k.hint_bar_without(Mode::Card, w, absent))
                    .into_iter()
                    .map(|h| h.key)
                    .collect()
            };
            assert!(keys(120, &[]).iter().any(|k| k == "l"), "{lang:?}");
            assert!(
                !keys(120, &[Action::OpenCrm]).iter().any(|k| k == "l"),
                "{lang:?}"
            );
        }
    }
}
