//! The command line in the language okk speaks: clap speaks only English, so for Russian the
//! command tree gets its about, argument help, placeholders and headings from `text::cli`, and
//! clap's parse errors are worded here from their kind and context.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

use crate::cli::Cli;
use crate::text::cli as t;
use crate::text::lang::{self, Lang};

/// okk's command tree in the current language: clap's own in English (its help byte for byte as
/// the doc comments make it), re-worded in Russian.
pub fn command() -> Command {
    let cmd = Cli::command();
    let cmd = if lang::current() == Lang::En {
        cmd
    } else {
        translate(cmd, "")
    };
    let cmd = export_reviews_columns(cmd);
    // Usage lines are rendered from a built tree (globals propagated, bin names set) with the
    // translated placeholders, then pinned on each command with `[OPTIONS]` re-worded. In
    // English too: clap's usage in an error lists every argument that has a value, one from
    // the environment included, so `OKK_TODAY` showed `--today <YYYY-MM-DD>` in it as if the
    // command required it.
    let mut built = cmd.clone();
    built.build();
    let mut usages = Vec::new();
    usages_of(&mut built, "", &mut usages);
    pin_usages(cmd, "", &usages)
}

/// Parses the command line (`args` with the program's name first) in the current language; help,
/// version and errors are printed and the process exits as clap would (0 for help, 2 for errors).
pub fn parse(args: Vec<OsString>) -> Cli {
    let mut cmd = command();
    let matches = match cmd.try_get_matches_from_mut(args.clone()) {
        Ok(m) => m,
        Err(e) => {
            let env = env_of_bad_value(&cmd, &e, &args);
            exit(e, env.as_deref())
        }
    };
    if lang::current() != Lang::En
        && let Some(path) = help_path(&matches)
    {
        print_help_of(&mut cmd, &path);
    }
    match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => exit(e.with_cmd(&cmd), None),
    }
}

/// `env`: the bad value came from this environment variable, not the command line (clap names
/// the flag it stands for, which the user never typed): said in okk's words in either language.
fn exit(e: clap::Error, env: Option<&str>) -> ! {
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ if lang::current() == Lang::En && env.is_none() => e.exit(),
        _ => {
            eprint!("{}", crate::text::safe::text(&error_text(&e, env)));
            std::process::exit(e.exit_code());
        }
    }
}

/// The environment variable a bad value came from: the error's argument reads one (`OKK_TODAY`
/// for `--today`) that holds the value, and the command line `args` does not give it to the flag.
/// (clap reads a global flag's variable even when a subcommand's flag is given: its error then
/// names the flag with the variable's value.)
fn env_of_bad_value(cmd: &Command, e: &clap::Error, args: &[OsString]) -> Option<String> {
    if !matches!(
        e.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) {
        return None;
    }
    // `--today <YYYY-MM-DD>` (or `--today=…`, the placeholder in the current language).
    let invalid = one(e, ContextKind::InvalidArg);
    let flag = format!(
        "--{}",
        invalid.split([' ', '=']).next()?.strip_prefix("--")?
    );
    let value = one(e, ContextKind::InvalidValue);
    let args: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
    let typed = (args.iter().enumerate().skip(1)).any(|(i, a)| {
        *a == format!("{flag}={value}")
            || (*a == flag && args.get(i + 1).is_some_and(|next| *next == value))
    });
    let var = env_of(cmd, flag.trim_start_matches('-'))?;
    let held = std::env::var_os(&var).is_some_and(|v| v.to_string_lossy() == value);
    (held && !typed).then_some(var)
}

/// The environment variable the flag `--long` reads, anywhere in `cmd`'s tree.
fn env_of(cmd: &Command, long: &str) -> Option<String> {
    let own = (cmd.get_arguments())
        .find(|a| a.get_long() == Some(long))
        .and_then(|a| a.get_env())
        .map(|v| v.to_string_lossy().into_owned());
    own.or_else(|| cmd.get_subcommands().find_map(|sub| env_of(sub, long)))
}

/// `okk export reviews --help` lists the file's columns from the header the export writes
/// (one list: the help cannot drift from the file), as the current language names them.
fn export_reviews_columns(cmd: Command) -> Command {
    let text = t::export_reviews_columns(&crate::export::reviews::header());
    cmd.mut_subcommand("export", |export| {
        export.mut_subcommand("reviews", |reviews| {
            reviews.after_help(text).after_long_help(None::<&str>)
        })
    })
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path} {name}")
    }
}

fn translate(mut cmd: Command, path: &str) -> Command {
    if let Some(about) = t::about(path) {
        cmd = cmd.about(about).long_about(None::<&str>);
    }
    if let Some(after) = t::after_help(path) {
        cmd = cmd.after_help(after).after_long_help(None::<&str>);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(&id, |a| translate_arg(a, path));
    }
    // clap's help and version flags and its `help` command speak English: okk's own stand in.
    cmd = cmd.disable_help_flag(true).arg(
        Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .help(t::help_flag())
            .display_order(usize::MAX - 1),
    );
    if cmd.get_version().is_some() {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(t::version_flag())
                .display_order(usize::MAX),
        );
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in &names {
        let sub = join(path, name);
        cmd = cmd.mut_subcommand(name, |s| translate(s, &sub));
    }
    let commands = !names.is_empty();
    if commands {
        cmd = cmd
            .subcommand_value_name(t::command_placeholder())
            .disable_help_subcommand(true)
            .subcommand(
                Command::new("help")
                    .about(t::help_command())
                    .disable_help_flag(true)
                    .arg(
                        Arg::new("command")
                            .num_args(0..)
                            .value_name(t::command_placeholder()),
                    )
                    .display_order(usize::MAX),
            );
    }
    let arguments = cmd.get_positionals().next().is_some();
    cmd.help_template(t::template(commands, arguments))
}

/// One argument in the current language: its help with clap's `[default: …]`, `[env: …]` and
/// `[possible values: …]` notes re-worded, and its value's placeholder.
fn translate_arg(arg: Arg, path: &str) -> Arg {
    let id = arg.get_id().to_string();
    let mut help = t::arg(path, &id).unwrap_or_default();
    let takes_value = arg.get_action().takes_values();
    let mut notes = Vec::new();
    if takes_value {
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && !arg.is_hide_default_value_set() {
            notes.push(t::default_value(&defaults.join(", ")));
        }
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if let Some(env) = arg.get_env()
            && !arg.is_hide_env_set()
        {
            notes.push(t::env(&env.to_string_lossy()));
        }
        if !values.is_empty() && !arg.is_hide_possible_values_set() {
            notes.push(t::possible_values(&values.join(", ")));
        }
    }
    for note in notes {
        if !help.is_empty() {
            help.push(' ');
        }
        help.push_str(&note);
    }
    let names: Option<Vec<String>> = arg
        .get_value_names()
        .map(|v| v.iter().map(|n| t::value_name(n.as_str())).collect());
    let mut arg = arg.hide_env(true).long_help(None::<&str>);
    if takes_value {
        arg = arg.hide_default_value(true).hide_possible_values(true);
    }
    if !help.is_empty() {
        arg = arg.help(help);
    }
    if let Some(names) = names {
        arg = arg.value_names(names);
    }
    arg
}

fn usages_of(cmd: &mut Command, path: &str, out: &mut Vec<(String, String)>) {
    let usage = cmd.render_usage().to_string();
    let usage = usage
        .split_once(' ')
        .map_or(usage.as_str(), |(_, u)| u)
        .replace("[OPTIONS]", &t::options_placeholder());
    out.push((path.to_string(), usage));
    for sub in cmd.get_subcommands_mut() {
        let sub_path = join(path, sub.get_name());
        usages_of(sub, &sub_path, out);
    }
}

fn pin_usages(mut cmd: Command, path: &str, usages: &[(String, String)]) -> Command {
    if let Some((_, usage)) = usages.iter().find(|(p, _)| p == path) {
        cmd = cmd.override_usage(usage.clone());
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub = join(path, &name);
        cmd = cmd.mut_subcommand(&name, |s| pin_usages(s, &sub, usages));
    }
    cmd
}

/// `okk help`, `okk bundle help import`: the command path whose help was asked for.
fn help_path(matches: &clap::ArgMatches) -> Option<Vec<String>> {
    let mut path = Vec::new();
    let mut m = matches;
    while let Some((name, sub)) = m.subcommand() {
        if name == "help" {
            let asked = sub
                .get_many::<String>("command")
                .into_iter()
                .flatten()
                .cloned();
            path.extend(asked);
            return Some(path);
        }
        path.push(name.to_string());
        m = sub;
    }
    None
}

fn print_help_of(cmd: &mut Command, path: &[String]) -> ! {
    cmd.build();
    let mut at = &mut *cmd;
    for name in path {
        if at.find_subcommand(name).is_none() {
            let usage = at.render_usage().to_string();
            let usage = usage.split_once(' ').map(|(_, u)| u.to_string());
            let text = t::error(&t::unknown_command(name), usage.as_deref());
            eprint!("{}", crate::text::safe::text(&text));
            std::process::exit(2);
        }
        at = at.find_subcommand_mut(name).expect("found above");
    }
    let _ = at.print_help();
    std::process::exit(0);
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<&ContextValue> {
    e.get(kind)
}

fn one(e: &clap::Error, kind: ContextKind) -> String {
    match context(e, kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::StyledStr(s)) => s.to_string(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(ContextValue::StyledStrs(v)) => v
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        Some(ContextValue::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn number(e: &clap::Error, kind: ContextKind) -> i64 {
    match context(e, kind) {
        Some(ContextValue::Number(n)) => *n as i64,
        _ => 0,
    }
}

/// clap's error in okk's words: what is wrong, a suggestion when clap has one, the usage line.
pub fn error_text(e: &clap::Error, env: Option<&str>) -> String {
    let arg = one(e, ContextKind::InvalidArg);
    let mut message = match env {
        Some(var) => what_is_wrong_in(e, var, &arg),
        None => what_is_wrong(e, &arg),
    };
    if let Some(ContextValue::Strings(valid)) = context(e, ContextKind::ValidValue)
        && matches!(e.kind(), ErrorKind::InvalidValue)
        && !valid.is_empty()
    {
        message.push_str("\n  ");
        message.push_str(&t::possible_values(&valid.join(", ")));
    }
    suggestions(e, &arg, &mut message);
    let usage = match context(e, ContextKind::Usage) {
        // A variable's value: the command line's usage is not what is wrong.
        _ if env.is_some() => None,
        Some(ContextValue::StyledStr(u)) => {
            let u = u.to_string();
            Some(
                u.split_once(' ')
                    .map_or(u.clone(), |(_, rest)| rest.to_string()),
            )
        }
        _ => None,
    };
    t::error(&message, usage.as_deref())
}

/// The error's first sentence, by its kind, about the argument `arg`.
fn what_is_wrong(e: &clap::Error, arg: &str) -> String {
    let value = one(e, ContextKind::InvalidValue);
    match e.kind() {
        ErrorKind::ValueValidation => match reason(e) {
            Some(r) => t::invalid_value_because(&value, arg, &r),
            None => t::invalid_value(&value, arg),
        },
        ErrorKind::UnknownArgument => t::unknown_argument(arg),
        ErrorKind::InvalidSubcommand => t::unknown_command(&one(e, ContextKind::InvalidSubcommand)),
        ErrorKind::InvalidValue if value.is_empty() => t::value_needed(arg),
        ErrorKind::InvalidValue => t::invalid_value(&value, arg),
        ErrorKind::NoEquals => t::no_equals(arg),
        ErrorKind::TooManyValues => t::too_many_values(&value, arg),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => t::wrong_number_of_values(
            arg,
            number(e, ContextKind::ExpectedNumValues).max(number(e, ContextKind::MinValues)),
            number(e, ContextKind::ActualNumValues),
        ),
        ErrorKind::ArgumentConflict => {
            let prior = one(e, ContextKind::PriorArg);
            if prior == arg {
                t::repeated(arg)
            } else {
                t::conflict(arg, &prior)
            }
        }
        ErrorKind::MissingRequiredArgument => {
            let list = match context(e, ContextKind::InvalidArg) {
                Some(ContextValue::Strings(v)) => v.iter().map(|a| format!("\n  {a}")).collect(),
                _ => format!("\n  {arg}"),
            };
            t::missing_required(&list)
        }
        ErrorKind::InvalidUtf8 => t::not_utf8(),
        ErrorKind::MissingSubcommand => {
            let commands = match context(e, ContextKind::ValidSubcommand) {
                Some(ContextValue::Strings(v)) => v.join(", "),
                _ => String::new(),
            };
            t::missing_subcommand(&one(e, ContextKind::InvalidSubcommand), &commands)
        }
        kind => t::bad_command_line(&format!("{kind:?}")),
    }
}

/// A value checker's reason, in the current language.
fn reason(e: &clap::Error) -> Option<String> {
    let source = std::error::Error::source(e)?;
    // Rust's own parse errors speak English; the ones a number argument meets are worded here.
    if source.downcast_ref::<std::num::ParseIntError>().is_some() {
        return Some(t::not_a_number());
    }
    Some(source.to_string())
}

/// The error's first sentence when the bad value is the environment variable `var`'s, which
/// stands for the argument `arg`.
fn what_is_wrong_in(e: &clap::Error, var: &str, arg: &str) -> String {
    let value = one(e, ContextKind::InvalidValue);
    t::invalid_env_value(&value, var, arg, reason(e).as_deref())
}

/// What clap suggests instead (a similar argument, command or value; `--` before a value that
/// looks like an option), each as a paragraph of `message`.
fn suggestions(e: &clap::Error, arg: &str, message: &mut String) {
    for kind in [
        ContextKind::SuggestedArg,
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedValue,
    ] {
        let similar = match context(e, kind) {
            Some(ContextValue::Strings(v)) => v
                .iter()
                .map(|s| format!("«{s}»"))
                .collect::<Vec<_>>()
                .join(", "),
            Some(ContextValue::String(s)) => format!("«{s}»"),
            _ => String::new(),
        };
        if !similar.is_empty() {
            message.push_str("\n\n  ");
            message.push_str(&t::similar(&similar));
        }
    }
    if let Some(ContextValue::String(trailing)) = context(e, ContextKind::TrailingArg) {
        message.push_str("\n\n  ");
        message.push_str(&t::dash_dash(trailing));
    } else if matches!(
        context(e, ContextKind::TrailingArg),
        Some(ContextValue::Bool(true))
    ) {
        message.push_str("\n\n  ");
        message.push_str(&t::dash_dash(arg));
    }
}
