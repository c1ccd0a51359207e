//! `okk crm add|list|test|remove`: the config file's CRM connections.

use crate::store::sync_tx::SyncStore;
use std::process::ExitCode;

use color_eyre::Result;
use serde_json::{Value, json};

use super::{Paths, config, user};
use crate::cli::{CrmAddArgs, CrmCommand};
use crate::crm::client::{Client, CrmError};
use crate::crm::config::{Connection, Kind};
use crate::crm::sync::Failure;
use crate::text::crm::{self as msg, Resource};

pub fn run(paths: &Paths, command: CrmCommand) -> Result<ExitCode> {
    match command {
        CrmCommand::Add(args) => add(paths, args),
        CrmCommand::List => list(paths),
        CrmCommand::Test { name } => test(paths, &name),
        CrmCommand::Remove { name } => remove(paths, &name),
    }
}

/// Takes the connection's `[[crm]]` table out of the config file, edited in place so that the
/// user's comments and the other tables stay as written. The store keeps what it synced: its
/// cards, their reviews and the connection's cursors (added again, it goes on from them).
fn remove(paths: &Paths, name: &str) -> Result<ExitCode> {
    let text = match std::fs::read_to_string(&paths.config) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(user(format!("{}: {e}", paths.config.display()))),
    };
    // The file as it is must load (its own errors point at its own lines).
    let existing = config::parse(&paths.config, &text)?;
    let Some(at) = existing.crm.iter().position(|c| c.name == name.trim()) else {
        let names: Vec<&str> = existing.crm.iter().map(|c| c.name.as_str()).collect();
        return Err(user(msg::remove_unknown(name, &paths.config, &names)));
    };
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| user(e.to_string()))?;
    let tables = doc
        .get_mut("crm")
        .and_then(toml_edit::Item::as_array_of_tables_mut)
        .ok_or_else(|| user(msg::remove_unknown(name, &paths.config, &[])))?;
    tables.remove(at);
    if tables.is_empty() {
        doc.remove("crm");
    }
    let edited = doc.to_string();
    // What is left must load as it did.
    config::parse(&paths.config, &edited)?;
    let path = paths.config.clone();
    crate::export::file::write_atomically(&paths.config, true, |w| {
        use std::io::Write;
        w.write_all(edited.as_bytes())
            .map_err(|e| crate::export::ExportError::Io { path, source: e })
    })
    .map_err(|e| user(e.to_string()))?;
    super::say(msg::removed(name.trim(), &paths.config))?;
    Ok(ExitCode::SUCCESS)
}

fn add(paths: &Paths, args: CrmAddArgs) -> Result<ExitCode> {
    let kind = args
        .kind
        .ok_or_else(|| user(msg::add_needs("--kind amocrm|kommo|bitrix24")))?;
    let url = args.url.ok_or_else(|| user(msg::add_needs("--url URL")))?;
    // The flags are checked as flags: the file they would go into is not written yet, so
    // its lines and keys would point the user at nothing they typed.
    let name = args.name.trim();
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(user(msg::add_bad_name()));
    }
    let parsed_kind = Kind::parse(&kind).ok_or_else(|| user(msg::bad_kind(&kind)))?;
    let (url, dropped) = crate::crm::config::add_address(parsed_kind, &url).map_err(user)?;
    // A webhook's secret is in its address: a token flag would be written and never read.
    if parsed_kind == Kind::Bitrix24 {
        let flag = match (&args.token_env, &args.token_file) {
            (Some(_), _) => Some("--token-env"),
            (None, Some(_)) => Some("--token-file"),
            (None, None) => None,
        };
        if let Some(flag) = flag {
            return Err(user(msg::add_flag(flag, &msg::add_webhook_no_token(flag))));
        }
    }
    match (&args.token_env, &args.token_file) {
        (Some(_), Some(_)) => return Err(user(msg::add_two_tokens())),
        (Some(v), None) if v.trim().is_empty() || v.contains(['=', '\0']) => {
            return Err(user(msg::add_bad_token_env()));
        }
        (None, None) if parsed_kind != Kind::Bitrix24 => {
            return Err(user(msg::add_no_token()));
        }
        _ => {}
    }
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut table = format!(
        "\n[[crm]]\nname = {}\nkind = {}\nurl = {}\n",
        quote(name),
        quote(&kind),
        quote(&url)
    );
    if let Some(v) = &args.token_env {
        table.push_str(&format!("token_env = {}\n", quote(v)));
    }
    if let Some(p) = &args.token_file {
        // Absolute: `okk sync` may run from another folder (cron, another terminal). Its
        // folder as the system names it (no `..`, tester41 F11); the file's own name kept, so
        // a link to a token that is replaced in turn stays the link.
        let p = std::path::absolute(p).map_err(|e| user(format!("{}: {e}", p.display())))?;
        let p = match (p.parent().map(std::fs::canonicalize), p.file_name()) {
            (Some(Ok(dir)), Some(name)) => dir.join(name),
            _ => p,
        };
        table.push_str(&format!(
            "token_file = {}\n",
            quote(&p.display().to_string())
        ));
    }
    if !args.pipelines.is_empty() {
        let list: Vec<String> = args.pipelines.iter().map(|p| quote(p)).collect();
        table.push_str(&format!("pipelines = [{}]\n", list.join(", ")));
    }
    let old = match std::fs::read_to_string(&paths.config) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(user(format!("{}: {e}", paths.config.display()))),
    };
    let old = old.trim_end_matches('\n');
    // The file as it is must load (its own errors point at its own lines).
    let existing = config::parse(&paths.config, old)?;
    if existing.crm.iter().any(|c| c.name == name) {
        return Err(user(msg::add_duplicate(name, &paths.config)));
    }
    let text = if old.is_empty() {
        table.trim_start().to_string()
    } else {
        format!("{old}\n{table}")
    };
    // The file as it would be must load (the name is new, the url is https, …).
    let added = config::parse(&paths.config, &text)?;
    // A second connection to an account already connected would bring every deal in twice.
    if let Some(new) = added.crm.last()
        && let Some(first) = existing.crm.iter().find(|c| c.reads_deals_of(new))
    {
        return Err(user(msg::add_same_account(
            name,
            &first.name,
            &first.account(),
        )));
    }
    if let Some(dir) = paths.config.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let path = paths.config.clone();
    crate::export::file::write_atomically(&paths.config, true, |w| {
        use std::io::Write;
        w.write_all(text.as_bytes())
            .map_err(|e| crate::export::ExportError::Io { path, source: e })
    })
    .map_err(|e| user(e.to_string()))?;
    let conn = added.crm.last().expect("the connection just added");
    if let Some(dropped) = dropped {
        super::say(msg::add_cut(
            &crate::crm::config::shown(&url),
            &crate::crm::config::redact_cut(&dropped),
        ))?;
    }
    super::say(msg::added(name, &paths.config, paths.config_given()))?;
    // Written all the same: the file or the variable may be set up after.
    if let Some(problem) = conn.token_problem() {
        super::warn(msg::add_token_warning(&problem.message(name)));
    }
    // The account's exports imported before under another source: a first sync under this
    // name would bring each deal in again (it stops and says so; said here first).
    if let Some(store) = synced_store(paths)? {
        let sources: Vec<(String, u64)> = store
            .file_sources(conn.kind.profile())?
            .into_iter()
            .filter(|(s, _)| s != name)
            .collect();
        if !sources.is_empty() {
            super::warn(msg::add_file_sources(name, conn.kind.name(), &sources));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The store the connections sync into, as it is: the team server, or the store file — which
/// may not exist yet (then nothing was synced or imported).
fn synced_store(paths: &Paths) -> Result<Option<Box<dyn SyncStore>>> {
    Ok(match paths.server() {
        Some(url) => Some(Box::new(paths.open_server(url)?)),
        None if paths.db.exists() => Some(Box::new(paths.open_store()?)),
        None => None,
    })
}

fn list(paths: &Paths) -> Result<ExitCode> {
    let config = config::load(&paths.config)?;
    if config.crm.is_empty() {
        return list_none(paths);
    }
    for w in &config.same_account {
        super::warn(w);
    }
    let store = synced_store(paths)?;
    let mut rows = Vec::new();
    for c in &config.crm {
        let state = match &store {
            Some(s) => s.crm_state(&c.name)?,
            None => Default::default(),
        };
        let pipelines = if c.pipelines.is_empty() {
            msg::all_pipelines().to_string()
        } else {
            c.pipelines.join(", ")
        };
        let row = [
            c.name.clone(),
            c.kind.name().to_string(),
            c.shown_url(),
            msg::token_source(&c.token),
            pipelines,
            state
                .synced_at
                .map_or_else(msg::never, |t| shown_moment(&t)),
            state.full_at.map_or_else(msg::never, |t| shown_moment(&t)),
        ]
        .map(|s| crate::text::safe::line(&s).into_owned());
        rows.push(row);
    }
    use std::io::{IsTerminal, Write};
    let stdout = std::io::stdout();
    // Each field made safe above; the tabs or spaces between them are the list's own (`say`
    // would show tabs as placeholders).
    let text = if stdout.is_terminal() {
        msg::list_on_terminal(&rows)
    } else {
        msg::list_for_script(&rows)
    };
    stdout.lock().write_all(text.as_bytes())?;
    // A token file the next sync could not use (others may read it, it is gone or empty) is
    // said beside the list, on stderr; a variable not set in this shell is not: a desk often
    // sets it only where the syncs run.
    for c in &config.crm {
        if let Some(problem) = c.token_problem()
            && !matches!(problem, crate::crm::config::TokenProblem::EnvUnset(_))
        {
            super::warn(msg::list_token_warning(&c.explain(&problem)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A moment the store keeps (this machine's clock) as the rest of okk shows one in the user's
/// language, as the sync's report does.
fn shown_moment(stored: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(stored, crate::store::cards::TIME_FORMAT)
        .map_or_else(|_| stored.to_string(), crate::text::common::moment)
}

/// `okk crm list` with no connection: none is no error. A script reads the heads alone (the note
/// on stderr); a terminal, the note.
fn list_none(paths: &Paths) -> Result<ExitCode> {
    use std::io::{IsTerminal, Write};
    let note = match paths.config_given() {
        Some(given) if !given.exists() => msg::no_config(given),
        given => msg::list_none(&paths.config, given),
    };
    let stdout = std::io::stdout();
    if stdout.is_terminal() {
        super::say(note)?;
    } else {
        stdout
            .lock()
            .write_all(msg::list_for_script(&[]).as_bytes())?;
        // Prefixed as every other message of okk's on stderr.
        super::warn(format!("okk: {note}"));
    }
    Ok(ExitCode::SUCCESS)
}

fn test(paths: &Paths, name: &str) -> Result<ExitCode> {
    let config = config::load(&paths.config)?;
    let conn = super::sync::pick(paths, &config.crm, &[name.to_string()])?[0];
    let secret = conn.secret().map_err(user)?;
    let mut client = Client::new(conn, secret);
    let fail = |what: &str, e: CrmError| user(Failure::at(what, e).test_message(conn));
    match conn.kind {
        Kind::AmoCrm | Kind::Kommo => test_amocrm(conn, &mut client, fail),
        Kind::Bitrix24 => test_bitrix(conn, &mut client, fail),
    }
}

fn test_amocrm(
    conn: &Connection,
    client: &mut Client,
    fail: impl Fn(&str, CrmError) -> color_eyre::Report,
) -> Result<ExitCode> {
    let what = "/api/v4/account";
    let account = client.get(what).map_err(|e| fail(what, e))?;
    let field = |k: &str| {
        account
            .as_ref()
            .and_then(|a| a.get(k))
            .map(crate::crm::amocrm::scalar)
            .unwrap_or_default()
    };
    let user_id = field("current_user_id");
    let user_name = client
        .get(&format!("/api/v4/users/{user_id}"))
        .ok()
        .flatten()
        .and_then(|u| u.get("name").map(crate::crm::amocrm::scalar))
        .unwrap_or_default();
    let who = if user_name.is_empty() {
        format!("id {user_id}")
    } else {
        format!("{user_name} (id {user_id})")
    };
    super::say(msg::test_ok(
        &conn.name,
        conn.kind,
        &format!("{} (id {})", field("name"), field("id")),
        &who,
    ))?;
    let mut refused = Vec::new();
    let mut pipelines = None;
    for (what, path) in [
        (Resource::Deals, "/api/v4/leads?limit=1"),
        (Resource::Pipelines, "/api/v4/leads/pipelines"),
        (Resource::Users, "/api/v4/users?limit=1"),
        (Resource::Events, "/api/v4/events?limit=1"),
    ] {
        let ok = match client.get(path) {
            Ok(body) => {
                if what == Resource::Pipelines {
                    pipelines = Some(crate::crm::amocrm::pipeline_names(body.as_ref()));
                }
                true
            }
            Err(CrmError::Forbidden(_)) => false,
            Err(e) => return Err(fail(path, e)),
        };
        super::say(msg::test_can(what, ok))?;
        // A token that may not read the users keeps owner ids (the sync warns); the rest a
        // sync cannot go without.
        if !ok && what != Resource::Users {
            refused.push(what);
        }
    }
    could_sync(conn, &refused, pipelines.as_deref())
}

/// `okk crm test`'s end: exit 1, saying why, when a sync of the connection would stop (a
/// resource it may not read, a pipeline of its `pipelines` the CRM has not).
fn could_sync(
    conn: &Connection,
    refused: &[Resource],
    pipelines: Option<&[String]>,
) -> Result<ExitCode> {
    if !refused.is_empty() {
        return Err(user(msg::test_cannot_sync(&conn.name, conn.kind, refused)));
    }
    if let Some(f) = pipelines.and_then(|known| Failure::unknown_pipeline(&conn.pipelines, known)) {
        return Err(user(f.test_message(conn)));
    }
    Ok(ExitCode::SUCCESS)
}

fn test_bitrix(
    conn: &Connection,
    client: &mut Client,
    fail: impl Fn(&str, CrmError) -> color_eyre::Report,
) -> Result<ExitCode> {
    let what = "/profile.json";
    let profile = client.post(what, &json!({})).map_err(|e| fail(what, e))?;
    let result = profile.as_ref().and_then(|p| p.get("result"));
    let field = |k: &str| {
        result
            .and_then(|r| r.get(k))
            .map(crate::crm::amocrm::scalar)
            .unwrap_or_default()
    };
    let portal = conn.card_url("0");
    let portal = portal.split("/crm/").next().unwrap_or_default();
    super::say(msg::test_ok(
        &conn.name,
        conn.kind,
        portal,
        &format!(
            "{} {} (id {})",
            field("NAME"),
            field("LAST_NAME"),
            field("ID")
        ),
    ))?;
    let what = "/scope.json";
    let scopes = client.post(what, &json!({})).map_err(|e| fail(what, e))?;
    let have: Vec<String> = scopes
        .as_ref()
        .and_then(|s| s.get("result"))
        .and_then(Value::as_array)
        .map(|a| a.iter().map(crate::crm::amocrm::scalar).collect())
        .unwrap_or_default();
    let has = |scope: &str| {
        have.iter()
            .any(|s| s == scope || s.starts_with(&format!("{scope}_")))
    };
    let (crm, users) = (has("crm"), has("user"));
    // The pipelines and their stages, as the sync asks for them (when the scope allows).
    let what = "/crm.category.list.json";
    let known: Option<Vec<String>> = if crm {
        match client.post(what, &json!({"entityTypeId": 2})) {
            Ok(body) => Some(
                crate::crm::bitrix24::categories(body.as_ref())
                    .into_iter()
                    .map(|(_, n)| n)
                    .collect(),
            ),
            Err(CrmError::Forbidden(_)) => None,
            Err(e) => return Err(fail(what, e)),
        }
    } else {
        None
    };
    // What a sync reads: the deals, the pipelines' stages (crm.status.list), the stage history,
    // the deals' comments and open activities (all of the crm scope), the users (user scope).
    let reads = [
        (Resource::Deals, crm),
        (Resource::Stages, known.is_some()),
        (Resource::StageHistory, crm),
        (Resource::Comments, crm),
        (Resource::Activities, crm),
        (Resource::Users, users),
    ];
    let mut refused = Vec::new();
    for (what, ok) in reads {
        super::say(msg::test_can(what, ok))?;
        // A webhook that may not read the users keeps owner ids (the sync warns).
        if !ok && what != Resource::Users {
            refused.push(what);
        }
    }
    could_sync(conn, &refused, known.as_deref())
}
