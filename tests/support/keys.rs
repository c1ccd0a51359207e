//! The key-sequence notation every TUI test types in, helix's: each character is a key (a
//! space too), a name in angle brackets a special key — `<enter>`, `<esc>`, `<space>`,
//! `<backspace>`, `<tab>`, `<up>` `<down>` `<left>` `<right>`, `<home>` `<end>`, `<pgup>`
//! `<pgdn>`, `<del>`, `<f1>`…, with `C-` (ctrl) and `A-` (alt): `<C-s>`, `<A-a>`, `<lt>` for `<`.
//! `"ax Закр<enter>"`: a, x, space, З, а, к, р, Enter.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use okk::tui::keymap::Key;
use ratatui::crossterm::event::KeyCode;

/// The keys of a sequence; panics on a name it does not know (a typo in a test).
pub fn parse(seq: &str) -> Vec<Key> {
    let mut keys = Vec::new();
    let mut rest = seq;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            keys.push(named(&rest[1..end]));
            rest = &rest[end + 1..];
        } else {
            keys.push(Key::char(c));
            rest = &rest[c.len_utf8()..];
        }
    }
    keys
}

fn named(name: &str) -> Key {
    if name == "lt" {
        return Key::char('<');
    }
    let mut spelled = String::new();
    let mut rest = name;
    loop {
        if let Some(r) = rest.strip_prefix("C-") {
            spelled.push_str("ctrl-");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("A-") {
            spelled.push_str("alt-");
            rest = r;
        } else {
            break;
        }
    }
    spelled.push_str(rest);
    Key::parse(&spelled).unwrap_or_else(|| panic!("no key <{name}> in the notation"))
}

/// What a terminal sends for the sequence (no application-cursor mode: crossterm never asks
/// for it).
pub fn bytes(seq: &str) -> String {
    parse(seq).into_iter().map(key_bytes).collect()
}

/// What a terminal sends for one key.
pub fn key_bytes(key: Key) -> String {
    let base = match key.code {
        KeyCode::Char(c) if key.ctrl => char::from((c.to_ascii_lowercase() as u8) & 0x1f).into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "\r".into(),
        KeyCode::Esc => "\x1b".into(),
        KeyCode::Backspace => "\x7f".into(),
        KeyCode::Tab => "\t".into(),
        KeyCode::BackTab => "\x1b[Z".into(),
        KeyCode::Up => "\x1b[A".into(),
        KeyCode::Down => "\x1b[B".into(),
        KeyCode::Right => "\x1b[C".into(),
        KeyCode::Left => "\x1b[D".into(),
        KeyCode::Home => "\x1b[H".into(),
        KeyCode::End => "\x1b[F".into(),
        KeyCode::PageUp => "\x1b[5~".into(),
        KeyCode::PageDown => "\x1b[6~".into(),
        KeyCode::Delete => "\x1b[3~".into(),
        other => panic!("no terminal bytes for {other:?} in the tests' notation"),
    };
    if key.alt { format!("\x1b{base}") } else { base }
}
