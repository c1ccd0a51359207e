//! Messages of the CRM connections and `okk sync`: config errors, what the CRM answered, and
//! the sync report. Addresses shown here are redacted already (no webhook secret).

use std::path::Path;

use super::safe;
use crate::domain::sync_report::{Reading, Reread, SyncProgress, SyncReport};

pub fn bad_name() -> String {
    crate::tr!("crm-bad-name")
}

pub fn duplicate_name(name: &str) -> String {
    crate::tr!("crm-duplicate-name", name = safe::line(name))
}

pub fn bad_kind(kind: &str) -> String {
    crate::tr!("crm-bad-kind", kind = safe::line(kind))
}

pub fn bad_url() -> String {
    crate::tr!("crm-bad-url")
}

pub fn https_required() -> String {
    crate::tr!("crm-https-required")
}

/// [`https_required`] with the address to give instead.
pub fn https_instead(url: &str) -> String {
    crate::tr!("crm-https-instead", url = safe::line(url))
}

pub fn two_tokens() -> String {
    crate::tr!("crm-two-tokens")
}

pub fn bad_token_env() -> String {
    crate::tr!("crm-bad-token-env")
}

pub fn no_webhook_secret() -> String {
    crate::tr!("crm-no-webhook-secret")
}

pub fn no_token(name: &str) -> String {
    crate::tr!("crm-no-token", name = safe::line(name))
}

/// A path as the word of a suggested shell command (`chmod 600 PATH`).
fn shell_path(path: &Path) -> String {
    safe::line(&super::shell::word(&path.display().to_string())).into_owned()
}

pub fn token_env_unset(name: &str, var: &str) -> String {
    crate::tr!(
        "crm-token-env-unset",
        name = safe::line(name),
        var = safe::line(var)
    )
}

pub fn token_file_unreadable(name: &str, path: &Path, e: &std::io::Error) -> String {
    crate::tr!(
        "crm-token-file-unreadable",
        name = safe::line(name),
        path = safe::line(&path.display().to_string()).into_owned(),
        error = super::common::error(e)
    )
}

pub fn token_file_missing(name: &str, path: &Path) -> String {
    crate::tr!(
        "crm-token-file-missing",
        name = safe::line(name),
        path = safe::line(&path.display().to_string()).into_owned(),
        shell_path = shell_path(path)
    )
}

pub fn token_file_open(name: &str, path: &Path, mode: u32) -> String {
    let p = path.display().to_string();
    crate::tr!(
        "crm-token-file-open",
        name = safe::line(name),
        path = safe::line(&p),
        mode = format!("{mode:04o}"),
        shell_path = shell_path(path)
    )
}

pub fn token_file_empty(name: &str, path: &Path) -> String {
    crate::tr!(
        "crm-token-file-empty",
        name = safe::line(name),
        path = safe::line(&path.display().to_string()).into_owned()
    )
}

/// `okk crm add` of a connection whose token cannot be read yet: a warning (the file or the
/// variable may be set up after).
/// A listed connection whose token file the next sync could not use.
pub fn list_token_warning(problem: &str) -> String {
    crate::tr!("crm-list-token-warning", problem = problem)
}

pub fn add_token_warning(problem: &str) -> String {
    crate::tr!("crm-add-token-warning", problem = problem)
}

pub fn unknown_connection(name: &str, known: &[String]) -> String {
    if known.is_empty() {
        crate::tr!("crm-unknown-connection-none", name = safe::line(name))
    } else {
        crate::tr!(
            "crm-unknown-connection",
            name = safe::line(name),
            known = safe::line(&known.join(", ")).into_owned()
        )
    }
}

/// No `[[crm]]` table in the config file. `given`: the file as `--config` named it (the
/// command suggested names it too).
pub fn no_connections(config: &Path, given: Option<&Path>) -> String {
    crate::tr!(
        "crm-no-connections",
        config = safe::line(&config.display().to_string()).into_owned(),
        flag = safe::line(&super::shell::config_flag(given)).into_owned()
    )
}

/// `okk crm list` with no connection: what to run to add one.
pub fn list_none(config: &Path, given: Option<&Path>) -> String {
    crate::tr!(
        "crm-list-none",
        config = safe::line(&config.display().to_string()).into_owned(),
        flag = safe::line(&super::shell::config_flag(given)).into_owned()
    )
}

/// The config file `--config` (or `OKK_CONFIG`) names is not there.
pub fn no_config(config: &Path) -> String {
    crate::tr!(
        "crm-no-config",
        config = safe::line(&config.display().to_string()).into_owned(),
        flag = safe::line(&super::shell::config_flag(Some(config))).into_owned()
    )
}

pub fn add_needs(flag: &str) -> String {
    crate::tr!("crm-add-needs", flag = flag)
}

/// A problem of one of `okk crm add`'s flags.
pub fn add_flag(flag: &str, message: &str) -> String {
    crate::tr!("crm-add-flag", flag = flag, message = message)
}

pub fn add_bad_url() -> String {
    crate::tr!("crm-add-bad-url")
}

pub fn add_bad_webhook() -> String {
    crate::tr!("crm-add-bad-webhook")
}

/// `crm add --kind bitrix24` given `flag` (`--token-env`, `--token-file`), which it has no use
/// for: a webhook carries its secret in its address.
pub fn add_webhook_no_token(flag: &str) -> String {
    crate::tr!("crm-add-webhook-no-token", flag = flag.to_string())
}

pub fn add_two_tokens() -> String {
    crate::tr!("crm-add-two-tokens")
}

pub fn add_bad_token_env() -> String {
    crate::tr!("crm-add-bad-token-env")
}

pub fn add_no_token() -> String {
    crate::tr!("crm-add-no-token")
}

pub fn add_bad_name() -> String {
    crate::tr!("crm-add-bad-name")
}

pub fn add_duplicate(name: &str, config: &Path) -> String {
    crate::tr!(
        "crm-add-duplicate",
        name = safe::line(name),
        config = safe::line(&config.display().to_string()).into_owned()
    )
}

/// `okk crm remove NAME` of a name the config file has not (`names`: those it has).
pub fn remove_unknown(name: &str, config: &Path, names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("«{n}»")).collect();
    crate::tr!(
        "crm-remove-unknown",
        name = safe::line(name),
        config = safe::line(&config.display().to_string()).into_owned(),
        count = names.len(),
        names = safe::line(&names.join(", ")).into_owned()
    )
}

pub fn removed(name: &str, config: &Path) -> String {
    crate::tr!(
        "crm-removed",
        name = safe::line(name),
        config = safe::line(&config.display().to_string()).into_owned()
    )
}

/// A connection that reads deals an earlier one reads too (`place`: FILE:LINE:COLUMN of its
/// name): a warning.
pub fn same_account(
    place: &str,
    name: &str,
    first: &str,
    first_line: usize,
    account: &str,
) -> String {
    crate::tr!(
        "crm-same-account",
        place = safe::line(place).into_owned(),
        name = safe::line(name),
        first = safe::line(first),
        line = first_line,
        account = safe::line(account)
    )
}

/// `okk crm add` of a connection that would read deals an existing one reads.
pub fn add_same_account(name: &str, first: &str, account: &str) -> String {
    crate::tr!(
        "crm-add-same-account",
        name = safe::line(name),
        first = safe::line(first),
        account = safe::line(account)
    )
}

/// What `okk crm add` cut from the address it was given. Both are shown redacted already.
pub fn add_cut(url: &str, dropped: &str) -> String {
    crate::tr!(
        "crm-add-cut",
        url = safe::line(url),
        dropped = safe::line(dropped)
    )
}

/// `given`: the config file as `--config` named it, which the suggested command names too.
pub fn added(name: &str, config: &Path, given: Option<&Path>) -> String {
    let command = format!(
        "okk{} crm test {}",
        super::shell::config_flag(given),
        super::shell::last_arg(name)
    );
    crate::tr!(
        "crm-added",
        name = safe::line(name),
        config = safe::line(&config.display().to_string()).into_owned(),
        command = safe::line(&command).into_owned()
    )
}

/// The heads of `okk crm list`'s columns.
pub fn list_header() -> [String; 7] {
    [
        crate::tr!("crm-column-name"),
        crate::tr!("crm-column-kind"),
        crate::tr!("crm-column-url"),
        crate::tr!("crm-column-token"),
        crate::tr!("crm-column-pipelines"),
        crate::tr!("crm-column-last-sync"),
        crate::tr!("crm-column-last-full-sweep"),
    ]
}

/// `okk crm list` for a script: the heads, then a line per connection, a tab between fields
/// (each field terminal-safe already).
pub fn list_for_script(rows: &[[String; 7]]) -> String {
    let mut out = list_header().join("\t");
    out.push('\n');
    for row in rows {
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    out
}

/// `okk crm list` on a terminal: name, kind and the two times as aligned columns (they fit 80
/// columns in either language), each connection's address, token and pipelines on an indented
/// line of their own below it (an address may be long).
pub fn list_on_terminal(rows: &[[String; 7]]) -> String {
    use unicode_width::UnicodeWidthStr;
    let head = list_header();
    let pick = |r: &[String; 7]| [r[0].clone(), r[1].clone(), r[5].clone(), r[6].clone()];
    let lines: Vec<[String; 4]> = std::iter::once(pick(&head))
        .chain(rows.iter().map(pick))
        .collect();
    let mut widths = [0usize; 4];
    for line in &lines {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.width());
        }
    }
    let aligned = |cells: &[String; 4]| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        out.push('\n');
        out
    };
    let mut out = aligned(&lines[0]);
    for (row, cells) in rows.iter().zip(&lines[1..]) {
        out.push_str(&aligned(cells));
        out.push_str(&format!(
            "  {}; {}; {}: {}\n",
            row[2], row[3], head[4], row[4]
        ));
    }
    out
}

pub fn token_source(t: &crate::domain::crm_connection::TokenSource) -> String {
    use crate::domain::crm_connection::TokenSource;
    match t {
        TokenSource::Env(v) => crate::tr!("crm-token-env", var = safe::line(v)),
        TokenSource::File(p) => {
            crate::tr!(
                "crm-token-file",
                path = safe::line(&p.display().to_string()).into_owned()
            )
        }
        TokenSource::InUrl => crate::tr!("crm-token-in-url"),
    }
}

pub fn never() -> String {
    crate::tr!("crm-never")
}

pub fn all_pipelines() -> String {
    crate::tr!("crm-all-pipelines")
}

pub fn sync_under_way(name: &str) -> String {
    crate::tr!("crm-sync-under-way", name = safe::line(name))
}

pub fn sync_lock_failed(name: &str, e: &std::io::Error) -> String {
    crate::tr!(
        "crm-sync-lock-failed",
        name = safe::line(name),
        error = super::common::error(e)
    )
}

// What the CRM answered.

/// `in_sync`: a sync's refusal, which says nothing was changed (`okk crm test` changes
/// nothing ever).
pub fn refused(
    name: &str,
    url: &str,
    kind: crate::domain::crm_connection::Kind,
    detail: &str,
    in_sync: bool,
) -> String {
    use crate::domain::crm_connection::Kind;
    let (name, url, detail) = (safe::line(name), safe::line(url), safe::line(detail));
    // A Bitrix24 webhook is no token: its address is refused.
    let m = match kind {
        Kind::AmoCrm | Kind::Kommo => crate::tr!(
            "crm-refused",
            name = name,
            url = url,
            detail = detail,
            how = crate::tr!("crm-refused-how-amocrm")
        ),
        Kind::Bitrix24 => crate::tr!(
            "crm-refused-webhook",
            name = name,
            url = url,
            detail = detail,
            how = crate::tr!("crm-refused-how-bitrix24")
        ),
    };
    if in_sync {
        format!("{m} {}", crate::tr!("crm-refused-nothing-changed"))
    } else {
        m
    }
}

/// What to do about a 403: whose token (which scopes of a webhook) may read it, the account's
/// IP allow-list, the hour a block for too many requests lasts.
pub fn forbidden_how(kind: crate::domain::crm_connection::Kind) -> String {
    use crate::domain::crm_connection::Kind;
    match kind {
        Kind::AmoCrm | Kind::Kommo => crate::tr!("crm-forbidden-how-amocrm"),
        Kind::Bitrix24 => crate::tr!("crm-forbidden-how-bitrix24"),
    }
}

pub fn forbidden(
    name: &str,
    kind: crate::domain::crm_connection::Kind,
    what: &str,
    detail: &str,
) -> String {
    crate::tr!(
        "crm-forbidden",
        name = safe::line(name),
        what = safe::line(what),
        detail = safe::line(detail),
        how = forbidden_how(kind)
    )
}

pub fn http_status(name: &str, what: &str, status: u16, detail: &str) -> String {
    crate::tr!(
        "crm-http-status",
        name = safe::line(name),
        status = status.to_string(),
        what = safe::line(what),
        detail = safe::line(detail)
    )
}

/// `reason`: why no answer came, from [`net_refused`] and its kin or the transport's words.
/// `landed`: in a sync, whether it (or an earlier run) landed pages, which are kept and which
/// the next sync goes on from; `None` in `okk crm test`, which lands none. `address`: nothing
/// answered at the address (refused, name not found), which is then what to check when no
/// page ever came. `config`: the config file as `--config` named it, which the commands the
/// message suggests name too.
pub fn network(
    name: &str,
    url: &str,
    reason: &str,
    tries: u32,
    landed: Option<bool>,
    address: bool,
    config: Option<&Path>,
) -> String {
    let m = crate::tr!(
        "crm-network",
        name = safe::line(name),
        url = safe::line(url),
        tries = tries,
        detail = safe::line(reason)
    );
    let tail = match landed {
        None => return m,
        Some(true) => crate::tr!("crm-network-kept", command = command(config, "sync", name)),
        Some(false) if address => crate::tr!(
            "crm-network-check-address",
            list = command(config, "crm list", ""),
            command = command(config, "crm test", name)
        ),
        Some(false) => crate::tr!(
            "crm-network-nothing-read",
            command = command(config, "sync", name)
        ),
    };
    format!("{m}. {tail}")
}

/// A first sync stopped before landing deals the store holds from exports under `source`.
pub fn twin_source(
    name: &str,
    source: &str,
    matched: u64,
    read: u64,
    config: Option<&Path>,
) -> String {
    let file = match config {
        Some(p) => safe::line(&p.display().to_string()).into_owned(),
        None => crate::tr!("crm-twin-config-file"),
    };
    let quote = |s: &str| safe::line(&toml::Value::String(s.to_string()).to_string()).into_owned();
    let (old, new) = (quote(name), quote(source));
    crate::tr!(
        "crm-twin-source",
        name = safe::line(name),
        source = safe::line(source),
        matched = matched,
        read = read,
        file = file,
        old = old,
        new = new,
        same = command(config, "sync", source),
        apart = format!("{} --new-source", command(config, "sync", name))
    )
}

/// `okk crm add`: the store holds cards file imports of the same CRM brought under other
/// sources (`sources`: name and cards), which a first sync under `name` would bring again.
pub fn add_file_sources(name: &str, kind: &str, sources: &[(String, u64)]) -> String {
    let (first, cards) = &sources[0];
    crate::tr!(
        "crm-add-file-sources",
        name = safe::line(name),
        kind = safe::line(kind),
        source = safe::line(first),
        cards = *cards,
        more = sources.len() as u64 - 1
    )
}

/// An okk command a message suggests, pasted as shown: `okk [--config PATH] WHAT [NAME]`.
fn command(config: Option<&Path>, what: &str, name: &str) -> String {
    let name = if name.is_empty() {
        String::new()
    } else {
        format!(" {}", super::shell::last_arg(name))
    };
    let command = format!("okk{} {what}{name}", super::shell::config_flag(config));
    safe::line(&command).into_owned()
}

pub fn net_refused() -> String {
    crate::tr!("crm-net-refused")
}

pub fn net_not_resolved() -> String {
    crate::tr!("crm-net-not-resolved")
}

pub fn net_timed_out() -> String {
    crate::tr!("crm-net-timed-out")
}

/// `https`: the address asks for a secure connection, which a port of plain HTTP never sets up.
pub fn net_setup_timed_out(https: bool) -> String {
    if https {
        crate::tr!("crm-net-setup-timed-out-https")
    } else {
        crate::tr!("crm-net-setup-timed-out")
    }
}

pub fn net_tls(detail: &str) -> String {
    crate::tr!("crm-net-tls", detail = safe::line(detail))
}

/// `landed` and `config`: as for [`network`].
pub fn gave_up(
    name: &str,
    status: u16,
    tries: u32,
    landed: Option<bool>,
    config: Option<&Path>,
) -> String {
    let m = crate::tr!(
        "crm-gave-up",
        name = safe::line(name),
        status = status.to_string(),
        tries = tries
    );
    match landed {
        None => m,
        Some(true) => format!(
            "{m}; {}",
            crate::tr!("crm-gave-up-kept", command = command(config, "sync", name))
        ),
        Some(false) => format!(
            "{m}; {}",
            crate::tr!(
                "crm-gave-up-nothing-read",
                command = command(config, "sync", name)
            )
        ),
    }
}

pub fn bad_body(name: &str, what: &str, detail: &str) -> String {
    let detail = match detail {
        PIPELINE_WITHOUT_ID => crate::tr!("crm-pipeline-without-id"),
        STAGE_WITHOUT_ID => crate::tr!("crm-stage-without-id"),
        DEAL_WITHOUT_ID_OR_TIME => crate::tr!("crm-deal-without-id-or-time"),
        DEAL_WITHOUT_ID => crate::tr!("crm-deal-without-id"),
        other => safe::line(other).into_owned(),
    };
    crate::tr!(
        "crm-bad-body",
        name = safe::line(name),
        what = safe::line(what),
        detail = detail
    )
}

/// Ctrl-C stopped a sync: what landed is kept, and the next sync goes on (and finishes the
/// full sweep under way, when there is one). Broken at spaces to fit 80 columns after `okk: `.
/// `config`: the config file as `--config` named it, which the command it suggests names; the
/// command is never broken across lines (pasted as shown).
/// A sync onto a team server that stopped answering (its link hung or dropped): what its
/// groups landed is kept, and the next sync goes on from there.
pub fn server_silent(name: &str, url: &str, config: Option<&Path>) -> String {
    let command = format!("`{}`", command(config, "sync", ""));
    let here: String = "\u{E000}".repeat(command.chars().count());
    let url = safe::line(url).into_owned();
    let m = crate::tr!(
        "crm-server-silent",
        name = safe::line(name),
        url = url,
        command = here.as_str()
    );
    super::common::wrap(&m, 80, "okk: ".len()).replace(&here, &command)
}

pub fn interrupted(sweep: bool, config: Option<&Path>) -> String {
    // Wrapped with a stand-in as wide as the command and without its spaces (characters of
    // Unicode's private use), which the command then takes the place of.
    let command = format!("`{}`", command(config, "sync", ""));
    let here: String = "\u{E000}".repeat(command.chars().count());
    let m = if sweep {
        crate::tr!("crm-interrupted-sweep", command = here.as_str())
    } else {
        crate::tr!("crm-interrupted", command = here.as_str())
    };
    super::common::wrap(&m, 80, "okk: ".len()).replace(&here, &command)
}

pub fn users_forbidden(kind: crate::domain::crm_connection::Kind) -> String {
    use crate::domain::crm_connection::Kind;
    match kind {
        Kind::AmoCrm | Kind::Kommo => crate::tr!("crm-users-forbidden"),
        Kind::Bitrix24 => crate::tr!("crm-users-forbidden-webhook"),
    }
}

pub fn comments_unread(deal: &str, error: &str) -> String {
    crate::tr!(
        "crm-comments-unread",
        deal = safe::line(deal),
        error = safe::line(error)
    )
}

/// A pipeline the connection names that the CRM has not (`known`: the CRM's pipelines).
pub fn unknown_pipeline(name: &str, pipeline: &str, known: &[String]) -> String {
    let known: Vec<String> = known.iter().map(|k| format!("«{k}»")).collect();
    crate::tr!(
        "crm-unknown-pipeline",
        name = safe::line(name),
        pipeline = safe::line(pipeline),
        known = safe::line(&known.join(", ")).into_owned()
    )
}

// `okk crm test`

/// What `okk crm test` tries to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Deals,
    Pipelines,
    Users,
    Events,
    /// Bitrix24's pipelines with their stages (`crm.category.list`, `crm.status.list`).
    Stages,
    /// Bitrix24's stage history (`crm.stagehistory.list`).
    StageHistory,
    /// Bitrix24's deal comments (`crm.timeline.comment.list`).
    Comments,
    /// Bitrix24's open activities, the deals' nearest task (`crm.activity.list`).
    Activities,
}

fn resource(r: Resource) -> String {
    match r {
        Resource::Deals => crate::tr!("crm-resource-deals"),
        Resource::Pipelines => crate::tr!("crm-resource-pipelines"),
        Resource::Users => crate::tr!("crm-resource-users"),
        Resource::Events => crate::tr!("crm-resource-events"),
        Resource::Stages => crate::tr!("crm-resource-stages"),
        Resource::StageHistory => crate::tr!("crm-resource-stage-history"),
        Resource::Comments => crate::tr!("crm-resource-comments"),
        Resource::Activities => crate::tr!("crm-resource-activities"),
    }
}

/// `account`: the account (amoCRM) or the portal (Bitrix24, whose webhook is no token).
pub fn test_ok(
    name: &str,
    kind: crate::domain::crm_connection::Kind,
    account: &str,
    user: &str,
) -> String {
    use crate::domain::crm_connection::Kind;
    let (name, account, user) = (safe::line(name), safe::line(account), safe::line(user));
    match kind {
        Kind::AmoCrm | Kind::Kommo => {
            crate::tr!("crm-test-ok", name = name, account = account, user = user)
        }
        Kind::Bitrix24 => crate::tr!(
            "crm-test-ok-webhook",
            name = name,
            account = account,
            user = user
        ),
    }
}

pub fn test_can(what: Resource, yes: bool) -> String {
    format!(
        "  {}: {}",
        resource(what),
        if yes {
            crate::tr!("crm-can-read")
        } else {
            crate::tr!("crm-cannot-read")
        }
    )
}

/// `okk crm test` of a connection that may not read what a sync reads (`what`).
pub fn test_cannot_sync(
    name: &str,
    kind: crate::domain::crm_connection::Kind,
    what: &[Resource],
) -> String {
    let what: Vec<String> = what.iter().map(|r| resource(*r)).collect();
    crate::tr!(
        "crm-test-cannot-sync",
        name = safe::line(name),
        what = what.join(", "),
        how = forbidden_how(kind)
    )
}

// The report.

/// The report of one connection's sync: short lines that fit 80 columns in either language
/// (the address alone may not, on its own line, nor a suggested command naming a long
/// `--config` path). `config`: the config file as `--config` named it, which a suggested
/// command names too.
pub fn report(r: &SyncReport, config: Option<&Path>) -> String {
    let dry_run = if r.dry_run {
        format!(" ({})", crate::tr!("crm-report-dry-run"))
    } else {
        String::new()
    };
    let head = crate::tr!(
        "crm-report",
        connection = safe::line(&r.connection),
        rows = r.rows,
        dry_run = dry_run
    );
    // The deals read again for the cursor's overlap are not news: say so before the counts.
    let quiet = r.inserted == 0
        && r.resumed_landed.is_none()
        && r.updated == 0
        && r.gone == 0
        && r.notes_updated == 0
        && r.new_columns.is_empty()
        && r.missing_columns.is_empty();
    let head = if quiet {
        format!("{head} — {}", crate::tr!("crm-report-nothing-changed"))
    } else {
        head
    };
    let mut s = format!("{head}\n");
    let lines = [
        crate::tr!(
            "crm-report-address",
            kind = r.kind.to_string(),
            url = safe::line(&r.url)
        ),
        crate::tr!("crm-report-new", count = r.inserted),
        crate::tr!(
            "crm-report-changed",
            count = r.updated,
            moved = r.stage_changes
        ),
    ];
    for line in lines {
        s.push_str(&format!("  {line}\n"));
    }
    // Of the changed: said under them.
    if r.stage_renames > 0 {
        let line = crate::tr!("crm-report-renamed-cards", count = r.stage_renames);
        s.push_str(&format!("    {line}\n"));
    }
    let line = crate::tr!("crm-report-unchanged", count = r.unchanged);
    s.push_str(&format!("  {line}\n"));
    if r.notes_updated > 0 {
        let line = crate::tr!("crm-report-notes-changed", count = r.notes_updated);
        s.push_str(&format!("  {line}\n"));
    }
    if r.deletions_checked {
        let line = crate::tr!("crm-report-gone", count = r.gone);
        s.push_str(&format!("  {line}\n"));
    } else {
        // A sync that could not see deletions (Bitrix24's, but a sweep) does not say "0": when
        // the last sweep was, and the command that finds them, follow.
        let sweep = r.full_sweep_at.as_deref().map_or_else(never, local);
        let command = format!(
            "okk{} sync {} --full",
            super::shell::config_flag(config),
            super::shell::last_arg(&r.connection)
        );
        let lines = [
            crate::tr!("crm-report-gone-unchecked"),
            crate::tr!("crm-report-full-sweep", at = sweep),
            crate::tr!(
                "crm-report-find-gone",
                command = safe::line(&command).into_owned()
            ),
        ];
        for line in lines {
            s.push_str(&format!("  {line}\n"));
        }
    }
    let line = crate::tr!(
        "crm-report-requests",
        requests = r.requests,
        retries = r.retries
    );
    s.push_str(&format!("  {line}\n"));
    if let Some(until) = &r.until {
        let since = r
            .since
            .as_ref()
            .map(|f| format!(" ({})", crate::tr!("crm-report-since", since = local(f))))
            .unwrap_or_default();
        let line = crate::tr!("crm-report-until", until = local(until), since = since);
        s.push_str(&format!("  {line}\n"));
    }
    if let Some(begun) = &r.resumed_run_begun_at {
        let line = crate::tr!("crm-report-resumed", at = local(begun));
        s.push_str(&format!("  {line}\n"));
        // The stopped attempts' share and the whole, so that the counts add up to what the
        // CRM did, not to this attempt's part of it.
        if let Some(l) = &r.resumed_landed {
            let line = crate::tr!(
                "crm-report-resumed-landed",
                inserted = l.inserted,
                updated = l.updated,
                gone = l.gone
            );
            s.push_str(&format!("  {line}\n"));
            let line = crate::tr!(
                "crm-report-resumed-total",
                inserted = l.inserted + r.inserted,
                updated = l.updated + r.updated,
                gone = l.gone + r.gone
            );
            s.push_str(&format!("  {line}\n"));
        }
    }
    match r.reread {
        Some(Reread::Values) => {
            let line = crate::tr!("crm-report-reread");
            s.push_str(&format!("  {line}\n"));
        }
        Some(Reread::Renamed) => {
            let line = crate::tr!("crm-report-reread-renamed");
            s.push_str(&format!("  {line}\n"));
        }
        None => {}
    }
    for rename in &r.renamed_pipelines {
        let line = crate::tr!(
            "crm-report-pipeline-renamed",
            from = safe::line(&rename.from),
            to = safe::line(&rename.to)
        );
        let cards = crate::tr!("crm-report-pipeline-renamed-cards");
        s.push_str(&format!("  {line}\n    {cards}\n"));
    }
    for stage in &r.funnel_names_old_pipeline {
        let line = crate::tr!("crm-report-funnel-old-pipeline", stage = safe::line(stage));
        s.push_str(&format!("    {line}\n"));
    }
    for rename in &r.renamed_stages {
        let line = crate::tr!(
            "crm-report-stage-renamed",
            from = safe::line(&rename.from),
            to = safe::line(&rename.to),
            pipeline = safe::line(&rename.pipeline)
        );
        let cards = crate::tr!("crm-report-stage-renamed-cards");
        s.push_str(&format!("  {line}\n    {cards}\n"));
        if let Some(stage) = &rename.add_alias_to {
            let line = crate::tr!(
                "crm-report-stage-renamed-alias",
                to = safe::line(&rename.to),
                stage = safe::line(stage)
            );
            s.push_str(&format!("    {line}\n"));
        }
    }
    if let Some(begun) = &r.full_sweep_begun_at {
        let line = crate::tr!("crm-report-sweep-finished", at = local(begun));
        s.push_str(&format!("  {line}\n"));
    }
    // Said with the gone line when this sync could not see deletions.
    if let Some(full) = r.full_sweep_at.as_ref().filter(|_| r.deletions_checked) {
        let line = crate::tr!("crm-report-full-sweep", at = local(full));
        s.push_str(&format!("  {line}\n"));
    }
    columns(&mut s, r);
    for line in super::import::probable_renames(&r.probable_renames, r.dry_run) {
        s.push_str(&format!("  {line}\n"));
    }
    for u in &r.unknown_stages {
        // The connection's cards the store holds there, what the user acts on (counted per
        // source, cheaply: `ImportStore::source_stages`; said so, as another connection's
        // cards at the stage are not among them); a dry run's deals of a stage the store has
        // no card of it in are said as read.
        let line = if u.cards == 0 {
            crate::tr!(
                "crm-report-unknown-stage-read",
                stage = safe::line(&u.stage),
                source = safe::line(&r.connection),
                read = u.read
            )
        } else {
            crate::tr!(
                "crm-report-unknown-stage",
                stage = safe::line(&u.stage),
                source = safe::line(&r.connection),
                cards = u.cards
            )
        };
        s.push_str(&format!("  {line}\n"));
    }
    for f in &r.absent_fields {
        // okk's own fields by the word the card uses for them («Телефон», not `phone`).
        let field = format!("«{}»", safe::line(&super::tui::field_label(f)));
        let line = crate::tr!("crm-report-not-carried", field = field);
        s.push_str(&format!("  {line}\n"));
    }
    if r.warnings > 0 {
        let line = crate::tr!("crm-report-warnings", count = r.warnings);
        s.push_str(&format!("  {line}\n"));
    }
    for w in &r.warning_samples {
        let line = crate::tr!("crm-report-warning", warning = safe::line(w));
        s.push_str(&format!("  {line}\n"));
    }
    s
}

/// A time of the report (ISO 8601 UTC, as `--json` keeps it) on this machine's clock, as the
/// rest of okk shows moments (`2026-11-20 17:24:10` / `20.11.2026 17:24:10`).
fn local(iso: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(iso) {
        Ok(t) => super::common::moment(t.with_timezone(&chrono::Local).naive_local()),
        Err(_) => safe::line(iso).into_owned(),
    }
}

/// The fields new to the source and those the sync no longer carries, as an import's report
/// says its columns: neither changes a card (`sync::change::settle`). One line a field, okk's
/// by the word the card uses for them.
fn columns(s: &mut String, r: &SyncReport) {
    let quoted = |f: &String| format!("«{}»", safe::line(&super::tui::field_label(f)));
    for f in &r.new_columns {
        let line = crate::tr!("crm-report-new-field", field = quoted(f));
        s.push_str(&format!("  {line}\n"));
    }
    if !r.new_columns.is_empty() {
        let line = crate::tr!("crm-report-new-field-cards", cards = r.new_column_cards);
        s.push_str(&format!("  {line}\n"));
    }
    for f in &r.missing_columns {
        let line = crate::tr!("crm-report-missing-field", field = quoted(f));
        s.push_str(&format!("  {line}\n"));
    }
}

/// A connection's `pipelines` names a pipeline the CRM renamed: followed by its id, said.
pub fn pipeline_filter_renamed(from: &str, to: &str) -> String {
    crate::tr!(
        "crm-pipeline-filter-renamed",
        from = safe::line(from),
        to = safe::line(to)
    )
}

/// Which deal a failure or warning is about.
pub fn deal(id: &str) -> String {
    crate::tr!("crm-deal", id = id)
}

/// The sync's progress line on a terminal: the connection, what it reads now and how much of
/// it (`None`: no page yet, the CRM's pipelines, users and fields are being asked for), the
/// pages and requests, and the retries once there are any.
pub fn progress_line(name: &str, read: Option<&SyncProgress>, retries: u64) -> String {
    let retries = if retries == 0 {
        String::new()
    } else {
        format!(", {}", crate::tr!("crm-sync-retries", count = retries))
    };
    let name = safe::line(name);
    let Some(p) = read else {
        return crate::tr!("crm-sync-opening", name = name, retries = retries);
    };
    let reading = match p.reading {
        Reading::Notes => crate::tr!("crm-sync-reading-notes", count = p.notes),
        Reading::Deals => crate::tr!("crm-sync-reading-deals", count = p.deals),
        Reading::Moves => crate::tr!("crm-sync-reading-moves", count = p.moves),
    };
    crate::tr!(
        "crm-sync-progress",
        name = name,
        reading = reading,
        pages = crate::tr!("crm-sync-pages", count = p.pages),
        requests = crate::tr!("crm-sync-requests", count = p.requests),
        retries = retries
    )
}

/// A value warning of a synced deal: `line` is the deal's place in the sync.
pub fn deal_warning(line: u64, column: &str, message: &str) -> String {
    crate::tr!(
        "crm-deal-warning",
        line = line,
        column = column,
        message = message
    )
}

/// A CRM's error answer that says nothing but its status.
pub fn bare_status(status: &dyn std::fmt::Display) -> String {
    format!("HTTP {status}")
}

// What is missing from a CRM's answer.
pub const PIPELINE_WITHOUT_ID: &str = "a pipeline without an id";
pub const STAGE_WITHOUT_ID: &str = "a stage without an id";
pub const DEAL_WITHOUT_ID_OR_TIME: &str = "a deal without id or updated_at";
pub const DEAL_WITHOUT_ID: &str = "a deal without an ID";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::import_report::UnknownStage;
    use crate::text::lang::{Lang, with};

    fn big() -> SyncReport {
        SyncReport {
            connection: "c3".into(),
            kind: "bitrix24",
            url: "https://portal.bitrix24.ru/rest/1/***/".into(),
            rows: 1_234_567,
            notes: 0,
            inserted: 1_000_000,
            updated: 234_567,
            unchanged: 999_999,
            notes_updated: 1_000,
            gone: 12_345,
            deletions_checked: true,
            stage_changes: 100_000,
            unknown_stages: vec![
                UnknownStage {
                    stage: "Ждут оплаты".into(),
                    cards: 20_000,
                    read: 1,
                },
                UnknownStage {
                    stage: "Новый этап".into(),
                    cards: 0,
                    read: 12_345,
                },
            ],
            probable_renames: Vec::new(),
            renamed_stages: Vec::new(),
            stage_renames: 0,
            renamed_pipelines: Vec::new(),
            funnel_names_old_pipeline: Vec::new(),
            warnings: 0,
            warning_samples: Vec::new(),
            requests: 123_456,
            retries: 12_345,
            since: Some("2026-11-19T09:00:00Z".into()),
            until: Some("2026-11-20T10:00:00Z".into()),
            full: true,
            full_sweep_at: Some("2026-11-20T10:00:05Z".into()),
            full_sweep_begun_at: Some("2026-11-20T09:00:05Z".into()),
            resumed_run_begun_at: Some("2026-11-20T08:30:00Z".into()),
            resumed_landed: Some(crate::domain::sync_report::Landed {
                rows: 3_485,
                inserted: 3_485,
                updated: 0,
                gone: 0,
            }),
            reread: Some(crate::domain::sync_report::Reread::Values),
            dry_run: true,
            absent_fields: vec!["phone".into(), "Интересующие параметры".into()],
            new_columns: vec!["Дата встречи в офисе продаж".into(), "notes".into()],
            new_column_cards: 1_000_000,
            missing_columns: vec!["contact".into(), "Интересующие параметры".into()],
            judged: true,
            columns_changed: false,
        }
    }

    #[test]
    fn a_sync_that_changed_nothing_says_so_first() {
        let quiet = SyncReport {
            inserted: 0,
            updated: 0,
            gone: 0,
            notes_updated: 0,
            stage_changes: 0,
            rows: 1,
            unchanged: 1,
            dry_run: false,
            new_columns: Vec::new(),
            missing_columns: Vec::new(),
            resumed_landed: None,
            ..big()
        };
        let en = with(Lang::En, || report(&quiet, None));
        assert!(
            en.lines()
                .next()
                .unwrap()
                .ends_with("1 deal read — nothing changed"),
            "{en}"
        );
        let ru = with(Lang::Ru, || report(&quiet, None));
        assert!(
            ru.lines().next().unwrap().ends_with("изменений нет"),
            "{ru}"
        );
        let busy = with(Lang::En, || report(&big(), None));
        assert!(!busy.contains("nothing changed"), "{busy}");
    }

    #[test]
    fn a_sync_that_could_not_see_deletions_says_so_and_how_to_find_them() {
        let incremental = SyncReport {
            gone: 0,
            deletions_checked: false,
            full: false,
            full_sweep_at: None,
            full_sweep_begun_at: None,
            connection: "fake-b24".into(),
            ..big()
        };
        let config = Path::new("/tmp/t23/my config.toml");
        let en = with(Lang::En, || report(&incremental, Some(config)));
        assert!(!en.contains("gone from the CRM: 0"), "{en}");
        assert!(
            en.contains(
                "  gone from the CRM: not checked (Bitrix24 does not list the deals gone from it)\n\
                 \x20 last full sweep: never\n\
                 \x20 to find the deals gone from the CRM, run \
                 `okk --config '/tmp/t23/my config.toml' sync fake-b24 --full`\n"
            ),
            "{en}"
        );
        for lang in [Lang::En, Lang::Ru] {
            let text = with(lang, || report(&incremental, None));
            // The lines about deletions (the rest is `big`'s, whose stage names are long).
            let about = ["not checked", "full sweep", "проверялось", "полный проход"];
            for line in text.lines().filter(|l| about.iter().any(|a| l.contains(a))) {
                assert!(line.chars().count() <= 80, "{lang:?}: {line}");
            }
        }
        let ru = with(Lang::Ru, || report(&incremental, None));
        assert!(
            ru.contains(
                "нет в CRM: не проверялось (Битрикс24 не сообщает, каких сделок больше нет)"
            ),
            "{ru}"
        );
        assert!(ru.contains("последний полный проход: никогда\n"), "{ru}");
        assert!(
            ru.contains("найти сделки, которых больше нет в CRM: `okk sync fake-b24 --full`"),
            "{ru}"
        );
        // After a sweep: when it was, once.
        let swept = SyncReport {
            full_sweep_at: Some("2026-11-20T10:00:05Z".into()),
            ..incremental
        };
        let en = with(Lang::En, || report(&swept, None));
        assert_eq!(en.matches("last full sweep: ").count(), 1, "{en}");
        assert!(!en.contains("never"), "{en}");
        assert!(en.contains("run `okk sync fake-b24 --full`"), "{en}");
    }

    #[test]
    fn the_sync_report_fits_80_columns_in_both_languages() {
        for lang in [Lang::En, Lang::Ru] {
            let report = with(lang, || report(&big(), None));
            let lines: Vec<&str> = report.lines().collect();
            assert!(lines.len() >= 7, "{report}");
            for line in lines {
                assert!(line.chars().count() <= 80, "{lang:?}: {line}");
            }
        }
        let ru = with(Lang::Ru, || report(&big(), None));
        assert!(ru.contains("нет в CRM: 12"), "{ru}");
        assert!(!ru.contains("удалено"), "{ru}");
        assert!(ru.starts_with("c3: прочитано сделок: 1"), "{ru}");
        // The connection's cards the store holds at the stage, not the deals this run
        // happened to read, and said whose they are.
        assert!(
            ru.contains(
                "этапа нет в воронке: Ждут оплаты (20\u{202f}000 карточек источника «c3»)\n"
            ),
            "{ru}"
        );
        assert!(
            ru.contains("Новый этап (карточек «c3» нет; прочитано 12\u{202f}345 сделок)"),
            "{ru}"
        );
        let en = with(Lang::En, || report(&big(), None));
        assert!(
            en.contains("stage not in the funnel: Ждут оплаты (20000 cards of «c3»)\n"),
            "{en}"
        );
        assert!(
            en.contains("Новый этап (no card of «c3» there; 12345 deals read)"),
            "{en}"
        );
    }

    #[test]
    fn the_sync_report_names_fields_new_and_no_longer_given_as_the_card_does() {
        let en = with(Lang::En, || report(&big(), None));
        for line in [
            "  new field (no import or sync had it before): «Дата встречи в офисе продаж»\n",
            "  new field (no import or sync had it before): «Notes»\n",
            "  1000000 cards took a value from the new fields (not a change of the card)\n",
            "  field no longer given (the cards keep it): «Contact»\n",
            "  field no longer given (the cards keep it): «Интересующие параметры»\n",
        ] {
            assert!(en.contains(line), "{line}{en}");
        }
        let few = SyncReport {
            new_column_cards: 2,
            ..big()
        };
        let ru = with(Lang::Ru, || report(&few, None));
        for line in [
            "  новое поле (прежде его не было): «Примечания»\n",
            "  значение из новых полей получили 2 карточки (это не изменение)\n",
            "  поле больше не приходит (карточки его хранят): «Контакт»\n",
        ] {
            assert!(ru.contains(line), "{line}{ru}");
        }
        // None new: no line of cards.
        let none = SyncReport {
            new_columns: Vec::new(),
            missing_columns: Vec::new(),
            ..big()
        };
        let en = with(Lang::En, || report(&none, None));
        assert!(
            !en.contains("new field") && !en.contains("no longer"),
            "{en}"
        );
        // A control character in a field's name is shown as a placeholder.
        let hostile = SyncReport {
            new_columns: vec!["Бюджет\u{1b}[2J".into()],
            ..big()
        };
        let en = with(Lang::En, || report(&hostile, None));
        assert!(!en.contains('\u{1b}'), "{en:?}");
    }

    /// Ctrl-C's message, after `okk: `, breaks at spaces within 80 columns, and says the next
    /// sync finishes a full sweep under way.
    #[test]
    fn the_interrupt_message_fits_80_columns_and_names_the_sweep_it_leaves() {
        for lang in [Lang::En, Lang::Ru] {
            for sweep in [false, true] {
                let m = format!("okk: {}", with(lang, || interrupted(sweep, None)));
                for line in m.lines() {
                    assert!(line.chars().count() <= 80, "{lang:?}: {line}");
                }
            }
        }
        assert_eq!(
            with(Lang::Ru, || interrupted(false, None)),
            "прервано; то, что успело записаться, сохранено; запустите `okk sync` снова,\n\
             чтобы продолжить"
        );
        // The config file given is named, and the command stays whole on its line.
        let given = Path::new("/tmp/my config.toml");
        let en = with(Lang::En, || interrupted(false, Some(given)));
        assert!(
            en.lines()
                .any(|l| l.contains("`okk --config '/tmp/my config.toml' sync`")),
            "{en}"
        );
        let ru = with(Lang::Ru, || interrupted(true, None));
        assert!(
            ru.replace('\n', " ")
                .contains("команда завершит начатый полный проход"),
            "{ru}"
        );
    }

    /// The cursors and sweeps read as local moments, as the rest of okk shows them; `--json`
    /// keeps ISO 8601 UTC.
    #[test]
    fn the_report_shows_its_times_on_this_machines_clock_not_as_iso_utc() {
        let at = |iso: &str| {
            let t = chrono::DateTime::parse_from_rfc3339(iso).unwrap();
            t.with_timezone(&chrono::Local).naive_local()
        };
        let en = with(Lang::En, || report(&big(), None));
        assert!(
            !en.contains("T10:00:00Z") && !en.contains("2026-11-19T"),
            "{en}"
        );
        let until = with(Lang::En, || {
            crate::text::common::moment(at("2026-11-20T10:00:00Z"))
        });
        let since = with(Lang::En, || {
            crate::text::common::moment(at("2026-11-19T09:00:00Z"))
        });
        assert!(
            en.contains(&format!("changes read up to {until} (since {since})")),
            "{en}"
        );
        let ru = with(Lang::Ru, || report(&big(), None));
        let begun = with(Lang::Ru, || {
            crate::text::common::moment(at("2026-11-20T09:00:05Z"))
        });
        assert!(
            ru.contains(&format!("завершён полный проход, начатый {begun}")),
            "{ru}"
        );
        let resumed = with(Lang::Ru, || {
            crate::text::common::moment(at("2026-11-20T08:30:00Z"))
        });
        assert!(
            ru.contains(&format!(
                "  продолжена прерванная синхронизация, начатая {resumed}\n"
            )),
            "{ru}"
        );
        assert!(!ru.contains('Z'), "{ru}");
    }

    #[test]
    fn crm_list_lines_up_on_a_terminal_and_keeps_its_tabs_for_a_script() {
        let rows = [[
            "c3".to_string(),
            "bitrix24".to_string(),
            "https://p.bitrix24.ru/rest/1/***/".to_string(),
            "in the webhook address".to_string(),
            "all".to_string(),
            "2026-11-20 13:00:00".to_string(),
            "never".to_string(),
        ]];
        assert_eq!(
            with(Lang::En, || list_on_terminal(&rows)),
            "name  kind      last sync            last full sweep\n\
             c3    bitrix24  2026-11-20 13:00:00  never\n  \
             https://p.bitrix24.ru/rest/1/***/; in the webhook address; pipelines: all\n"
        );
        let ru = with(Lang::Ru, || list_on_terminal(&rows));
        assert!(ru.lines().all(|l| l.chars().count() <= 80), "{ru}");
        assert_eq!(
            with(Lang::En, || list_for_script(&rows)).lines().nth(1),
            Some(
                "c3\tbitrix24\thttps://p.bitrix24.ru/rest/1/***/\tin the webhook address\tall\t\
                 2026-11-20 13:00:00\tnever"
            )
        );
    }
}
