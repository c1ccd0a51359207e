//! Commands: each takes parsed arguments, opens what it needs, and prints its result.

pub mod analytics;
pub mod audit;
mod bundle;
mod calibrate;
mod check;
pub mod config;
mod crm;
mod db;
pub mod demo;
mod export;
mod fields;
mod funnel_config;
mod funnel_init;
mod funnel_versions;
pub mod help;
mod import;
mod in_pass;
mod keys;
pub mod lang;
mod paths;
mod prune;
mod queue;
mod report;
mod review;
mod roles;
pub mod stderr;
mod stored_funnel;
mod suggest;
mod sync;

use std::process::ExitCode;

use color_eyre::Result;

use crate::cli::{Cli, Command};

/// An error the user can fix (bad input, bad config): printed as is, exit code 1.
#[derive(Debug)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

pub fn user(message: impl Into<String>) -> color_eyre::Report {
    UserError(message.into()).into()
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let paths = paths::Paths::resolve(cli.db, cli.funnel, cli.config, cli.today)?;
    command(&paths, cli.command)
        .map_err(|e| read_only_named(e, &paths))
        .map_err(|e| link_lost_said(e, &paths))
}

/// A team server that stopped answering partway through a command (its link hung and was cut,
/// or dropped), said with the server's address and what to do, whichever round trip it was
/// (`store::pg::link` puts the deadline on each): instead of the store's error, or under the
/// command's own words where it said that error as text (an import's file).
fn link_lost_said(e: color_eyre::Report, paths: &Paths) -> color_eyre::Report {
    use crate::store::pg::link;
    let Some(url) = paths.server() else {
        return e;
    };
    let said =
        || crate::text::app::server_silent(&crate::store::pg::shown_url(url), link::silence());
    let lost = e
        .chain()
        .filter_map(|c| c.downcast_ref::<crate::store::StoreError>())
        .any(|s| s.is_unreachable());
    if lost {
        user(said())
    } else if link::cut_any() {
        user(format!("{e}\n  {}", said()))
    } else {
        e
    }
}

/// A write the store's place refused somewhere in a command, said once, naming the store file
/// and its folder (SQLite's "attempt to write a readonly database" named neither).
fn read_only_named(e: color_eyre::Report, paths: &Paths) -> color_eyre::Report {
    let refused = e
        .chain()
        .filter_map(|c| c.downcast_ref::<crate::store::StoreError>())
        .find_map(|s| match s {
            crate::store::StoreError::ReadOnly { path: None, why } => Some(*why),
            _ => None,
        });
    match refused {
        Some(why) if paths.server().is_none() => user(
            crate::store::StoreError::ReadOnly {
                path: Some(paths.db.clone()),
                why,
            }
            .to_string(),
        ),
        _ => e,
    }
}

fn command(paths: &Paths, command: Option<Command>) -> Result<ExitCode> {
    let Some(command) = command else {
        return review::bare(paths);
    };
    match command {
        Command::Import(args) => import::run(paths, args),
        Command::Review(args) => review::run(paths, args),
        Command::Lead(args) => review::lead(paths, args),
        Command::Keys => keys::run(paths),
        Command::Bundle { command } => bundle::run(paths, command),
        Command::Calibrate { command } => calibrate::run(paths, command),
        Command::Stats(args) => analytics::run(paths, args),
        Command::Report(args) => report::run(paths, args),
        Command::Fields(args) => fields::run(paths, args),
        Command::Check(args) => check::run(paths, args),
        Command::Queue(args) => queue::run(paths, args),
        Command::Funnel { command } => funnel_config::run(paths, command),
        Command::Export { command } => export::run(paths, command),
        Command::Demo(args) => demo::run(paths, args),
        Command::Sync(args) => sync::run(paths, args),
        Command::Crm { command } => crm::run(paths, command),
        Command::Db { command } => db::run(paths, command),
    }
}

pub use paths::Paths;

/// Prints a line of text to stdout, CRM data in it made terminal-safe (`text::safe`). Unlike
/// `println!`, a reader that went away (`okk check | head`) comes back as an error (main exits
/// quietly with 0) instead of a panic.
pub fn say(text: impl std::fmt::Display) -> std::io::Result<()> {
    say_raw(format_args!("{text}\n"))
}

/// [`say`] for what a command says about the file it wrote: on stderr when the file itself went
/// to standard output (`--out -`), so that stdout holds the file alone.
pub fn say_beside(
    out: &crate::domain::output::Output,
    text: impl std::fmt::Display,
) -> std::io::Result<()> {
    if out.is_stdout() {
        warn(text);
        Ok(())
    } else {
        say(text)
    }
}

/// [`say`] without the newline.
pub fn say_raw(text: impl std::fmt::Display) -> std::io::Result<()> {
    use std::io::{IsTerminal, Write};
    let raw = text.to_string();
    let text = crate::text::safe::text(&raw);
    let stdout = std::io::stdout();
    // On a terminal a long line breaks between words, not wherever its edge falls.
    let text = match ratatui::crossterm::terminal::size() {
        Ok((cols, _)) if stdout.is_terminal() && cols >= 20 => {
            std::borrow::Cow::Owned(crate::text::common::fit(&text, cols as usize))
        }
        _ => text,
    };
    write!(stdout.lock(), "{text}")
}

/// [`say`] for commands to copy and run: never broken between words (the terminal wraps a
/// long line, and copying it keeps it whole).
pub fn say_commands(text: impl std::fmt::Display) -> std::io::Result<()> {
    use std::io::Write;
    let raw = format!("{text}\n");
    write!(
        std::io::stdout().lock(),
        "{}",
        crate::text::safe::text(&raw)
    )
}

/// Prints `value` as one line of JSON, escapes and bidi controls escaped (`text::json`).
pub fn say_json(value: &impl serde::Serialize) -> std::io::Result<()> {
    use std::io::Write;
    let json = crate::text::json::to_string(value).map_err(std::io::Error::other)?;
    writeln!(std::io::stdout().lock(), "{json}")
}

/// Asks `question` on the terminal (stderr) and reads the answer line from stdin: yes only
/// when the user says so (y, yes, д, да); Enter, anything else or the end of input is no.
pub fn confirmed(question: &str) -> color_eyre::Result<bool> {
    use std::io::{BufRead, Write};
    let mut err = std::io::stderr().lock();
    write!(err, "{}", crate::text::safe::line(question))?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(crate::text::prune::is_yes(&answer))
}

/// A note on stderr (progress, warnings), terminal-safe like [`say`].
pub fn warn(text: impl std::fmt::Display) {
    use std::io::IsTerminal;
    let raw = text.to_string();
    let text = crate::text::safe::text(&raw);
    // On a terminal an error breaks between words, as `say_raw`'s reports do (a pipe or a file
    // gets the lines as they are).
    let text = match ratatui::crossterm::terminal::size() {
        Ok((cols, _)) if std::io::stderr().is_terminal() && cols >= 20 => {
            std::borrow::Cow::Owned(crate::text::common::fit(&text, cols as usize))
        }
        _ => text,
    };
    eprintln!("{text}");
}
