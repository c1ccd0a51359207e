//! Colours and emphasis. Everything that matters also shows without colour (bold, reverse,
//! symbols), so `NO_COLOR` terminals stay readable.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub title: Style,
    pub selected: Style,
    pub dim: Style,
    pub bold: Style,
    pub pass: Style,
    pub fail: Style,
    pub warn: Style,
    pub critical: Style,
    pub key: Style,
    pub error: Style,
    pub bar: Style,
}

impl Theme {
    pub fn colour() -> Theme {
        Theme {
            title: Style::new().fg(Color::Black).bg(Color::Cyan),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            dim: Style::new().fg(Color::DarkGray),
            bold: Style::new().add_modifier(Modifier::BOLD),
            pass: Style::new().fg(Color::Green),
            fail: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            warn: Style::new().fg(Color::Yellow),
            critical: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            error: Style::new().fg(Color::White).bg(Color::Red),
            bar: Style::new().fg(Color::Blue),
        }
    }

    pub fn plain() -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            title: Style::new().add_modifier(Modifier::REVERSED),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            // Faint is an attribute, not a colour: what is pale in colour (a manager outside
            // the ranking) stays pale.
            dim: Style::new().add_modifier(Modifier::DIM),
            bold,
            pass: Style::new(),
            fail: bold,
            warn: Style::new(),
            critical: bold,
            key: bold,
            error: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            bar: Style::new(),
        }
    }

    /// `NO_COLOR` set (to anything non-empty): no colours.
    pub fn from_env() -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::plain(),
            _ => Theme::colour(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tester38 F6: under `NO_COLOR` the managers outside the ranking («pale») looked like the
    /// others: faint is an attribute, kept without colour, as reverse (the selection) and bold
    /// (a critical flag) are.
    #[test]
    fn without_colour_what_is_pale_or_critical_still_shows() {
        let plain = Theme::plain();
        assert!(plain.dim.add_modifier.contains(Modifier::DIM));
        assert_eq!(plain.dim.fg, None);
        assert!(plain.critical.add_modifier.contains(Modifier::BOLD));
        assert_ne!(plain.critical, plain.warn);
        assert!(plain.selected.add_modifier.contains(Modifier::REVERSED));
    }
}
