//! Messages of the CRM connections and `okk sync`: config errors, what the CRM answered, and
//! the sync report. Addresses shown here are redacted already (no webhook secret).

use std::path::Path;

use super::safe;
use crate::domain::sync_report::SyncReport;

pub fn bad_name() -> String {
    "a connection needs a name (the source its cards get), e.g. name = \"main\"".into()
}

pub fn duplicate_name(name: &str) -> String {
    format!(
        "a connection named «{}» is already defined above",
        safe::line(name)
    )
}

pub fn bad_kind(kind: &str) -> String {
    format!(
        "unknown CRM kind «{}»; use one of: amocrm, kommo, bitrix24",
        safe::line(kind)
    )
}

pub fn bad_url() -> String {
    "expected the account's address, e.g. url = \"https://example.amocrm.ru\" (Bitrix24: the \
     incoming webhook, https://portal.bitrix24.ru/rest/1/CODE/)"
        .into()
}

pub fn https_required() -> String {
    "the address must use https (plain http only for this machine: 127.0.0.1, localhost, [::1])"
        .into()
}

pub fn two_tokens() -> String {
    "give token_env or token_file, not both".into()
}

pub fn bad_token_env() -> String {
    "token_env names an environment variable, e.g. token_env = \"OKK_AMOCRM_TOKEN\"".into()
}

pub fn no_webhook_secret() -> String {
    "a Bitrix24 connection without a token needs the incoming webhook's address, \
     https://PORTAL/rest/USER/CODE/"
        .into()
}

pub fn no_token(name: &str) -> String {
    format!(
        "connection «{}» needs token_env = \"VARIABLE\" or token_file = \"PATH\" (mode 0600)",
        safe::line(name)
    )
}

pub fn token_env_unset(name: &str, var: &str) -> String {
    format!(
        "connection «{}»: the environment variable {} that holds its token is not set",
        safe::line(name),
        safe::line(var)
    )
}

pub fn token_file_unreadable(name: &str, path: &Path, e: &std::io::Error) -> String {
    format!(
        "connection «{}»: cannot read the token file {}: {e}",
        safe::line(name),
        safe::line(&path.display().to_string())
    )
}

pub fn token_file_open(name: &str, path: &Path, mode: u32) -> String {
    let p = path.display().to_string();
    format!(
        "connection «{}»: the token file {} can be read by others (mode {mode:04o}); run \
         chmod 600 {}",
        safe::line(name),
        safe::line(&p),
        safe::line(&p)
    )
}

pub fn token_file_empty(name: &str, path: &Path) -> String {
    format!(
        "connection «{}»: the token file {} is empty",
        safe::line(name),
        safe::line(&path.display().to_string())
    )
}

pub fn unknown_connection(name: &str, known: &[String]) -> String {
    if known.is_empty() {
        format!(
            "no CRM connection named «{}»: the config file has none; add one with `okk crm add`",
            safe::line(name)
        )
    } else {
        format!(
            "no CRM connection named «{}»; the config file has: {}",
            safe::line(name),
            safe::line(&known.join(", "))
        )
    }
}

pub fn no_connections() -> String {
    "the config file has no [[crm]] connections; add one with `okk crm add NAME --kind amocrm \
     --url https://example.amocrm.ru --token-env OKK_AMOCRM_TOKEN`"
        .into()
}

pub fn add_needs(flag: &str) -> String {
    format!("okk crm add needs {flag}")
}

pub fn added(name: &str, config: &Path) -> String {
    format!(
        "added connection «{}» to {}; try it with `okk crm test {}`",
        safe::line(name),
        safe::line(&config.display().to_string()),
        safe::line(name)
    )
}

pub fn list_header() -> &'static str {
    "name\tkind\turl\ttoken\tpipelines\tlast sync\tlast full sweep"
}

pub fn token_source(t: &crate::domain::crm_connection::TokenSource) -> String {
    use crate::domain::crm_connection::TokenSource;
    match t {
        TokenSource::Env(v) => format!("env {}", safe::line(v)),
        TokenSource::File(p) => format!("file {}", safe::line(&p.display().to_string())),
        TokenSource::InUrl => "in the webhook address".into(),
    }
}

pub fn never() -> &'static str {
    "never"
}

pub fn all_pipelines() -> &'static str {
    "all"
}

// What the CRM answered.

pub fn refused(
    name: &str,
    url: &str,
    kind: crate::domain::crm_connection::Kind,
    detail: &str,
) -> String {
    use crate::domain::crm_connection::Kind;
    let how = match kind {
        Kind::AmoCrm | Kind::Kommo => {
            "make a new long-lived token in the CRM (Settings → Integrations → your private \
             integration → Keys and scopes → Generate long-lived token) and put it where the \
             connection's token_env or token_file says"
        }
        Kind::Bitrix24 => {
            "make a new incoming webhook in Bitrix24 (Developer resources → Other → Incoming \
             webhook, with the crm and user scopes) and put its address in the connection's url"
        }
    };
    format!(
        "{}: the token was refused by {} ({}): {how}. Nothing was changed.",
        safe::line(name),
        safe::line(url),
        safe::line(detail)
    )
}

pub fn forbidden(name: &str, what: &str, detail: &str) -> String {
    format!(
        "{}: the CRM refused to show {} (403: {}); the token's rights do not cover it, or the \
         address is blocked for going over the request limit",
        safe::line(name),
        safe::line(what),
        safe::line(detail)
    )
}

pub fn http_status(name: &str, what: &str, status: u16, detail: &str) -> String {
    format!(
        "{}: the CRM answered {status} when asked for {}: {}",
        safe::line(name),
        safe::line(what),
        safe::line(detail)
    )
}

pub fn network(name: &str, url: &str, detail: &str, tries: u32) -> String {
    format!(
        "{}: cannot reach {} after {tries} tries: {}. Pages read so far are kept; run okk sync \
         again to go on from there.",
        safe::line(name),
        safe::line(url),
        safe::line(detail)
    )
}

pub fn gave_up(name: &str, status: u16, tries: u32) -> String {
    format!(
        "{}: the CRM still answered {status} (too many requests) after {tries} tries; pages \
         read so far are kept; run okk sync again later",
        safe::line(name)
    )
}

pub fn bad_body(name: &str, what: &str, detail: &str) -> String {
    format!(
        "{}: the CRM's answer to {} is not what its API documents: {}",
        safe::line(name),
        safe::line(what),
        safe::line(detail)
    )
}

pub fn users_forbidden() -> String {
    "the token may not read the users list (an admin's token can): owners are shown by their \
     CRM id"
        .into()
}

pub fn unknown_pipeline(p: &str) -> String {
    format!(
        "the CRM has no pipeline «{}» (the connection's pipelines list names it)",
        safe::line(p)
    )
}

// `okk crm test`

pub fn test_ok(name: &str, account: &str, user: &str) -> String {
    format!(
        "{}: the token works: account {}, user {}",
        safe::line(name),
        safe::line(account),
        safe::line(user)
    )
}

pub fn test_can(what: &str, yes: bool) -> String {
    format!(
        "  {}: {}",
        safe::line(what),
        if yes { "can read" } else { "cannot read" }
    )
}

// The report.

pub fn report(r: &SyncReport) -> String {
    let mut s = format!(
        "{} ({}, {}): {} deals read: {} new, {} changed ({} moved), {} unchanged, {} gone; \
         {} requests, {} retries{}\n",
        safe::line(&r.connection),
        r.kind,
        safe::line(&r.url),
        r.rows,
        r.inserted,
        r.updated,
        r.stage_changes,
        r.unchanged,
        r.gone,
        r.requests,
        r.retries,
        if r.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    if let Some(until) = &r.until {
        s.push_str(&format!(
            "  changes up to {} read{}\n",
            until,
            r.since
                .as_ref()
                .map(|f| format!(" (since {f})"))
                .unwrap_or_default()
        ));
    }
    if let Some(full) = &r.full_sweep_at {
        s.push_str(&format!("  last full sweep: {full}\n"));
    }
    for u in &r.unknown_stages {
        s.push_str(&format!(
            "  stage not in the funnel: {} ({} cards)\n",
            safe::line(&u.stage),
            u.cards
        ));
    }
    if r.warnings > 0 {
        s.push_str(&format!("  {} warnings\n", r.warnings));
    }
    for w in &r.warning_samples {
        s.push_str(&format!("  warning: {}\n", safe::line(w)));
    }
    s
}

/// Which deal a failure or warning is about.
pub fn deal(id: &str) -> String {
    format!("deal {id}")
}

/// A value warning of a synced deal: `line` is the deal's place in the sync.
pub fn deal_warning(line: u64, column: &str, message: &str) -> String {
    format!("deal {line}: {column}: {message}")
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
