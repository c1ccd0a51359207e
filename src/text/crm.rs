//! Messages of the CRM connections and `okk sync`: config errors, what the CRM answered, and
//! the sync report. Addresses shown here are redacted already (no webhook secret).

use std::path::Path;

use super::safe;
use crate::domain::sync_report::SyncReport;

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

pub fn token_file_open(name: &str, path: &Path, mode: u32) -> String {
    let p = path.display().to_string();
    crate::tr!(
        "crm-token-file-open",
        name = safe::line(name),
        path = safe::line(&p),
        mode = format!("{mode:04o}")
    )
}

pub fn token_file_empty(name: &str, path: &Path) -> String {
    crate::tr!(
        "crm-token-file-empty",
        name = safe::line(name),
        path = safe::line(&path.display().to_string()).into_owned()
    )
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

pub fn no_connections() -> String {
    crate::tr!("crm-no-connections")
}

pub fn add_needs(flag: &str) -> String {
    crate::tr!("crm-add-needs", flag = flag)
}

pub fn added(name: &str, config: &Path) -> String {
    crate::tr!(
        "crm-added",
        name = safe::line(name),
        config = safe::line(&config.display().to_string()).into_owned()
    )
}

pub fn list_header() -> String {
    [
        crate::tr!("crm-column-name"),
        crate::tr!("crm-column-kind"),
        crate::tr!("crm-column-url"),
        crate::tr!("crm-column-token"),
        crate::tr!("crm-column-pipelines"),
        crate::tr!("crm-column-last-sync"),
        crate::tr!("crm-column-last-full-sweep"),
    ]
    .join("\t")
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

// What the CRM answered.

pub fn refused(
    name: &str,
    url: &str,
    kind: crate::domain::crm_connection::Kind,
    detail: &str,
) -> String {
    use crate::domain::crm_connection::Kind;
    let how = match kind {
        Kind::AmoCrm | Kind::Kommo => crate::tr!("crm-refused-how-amocrm"),
        Kind::Bitrix24 => crate::tr!("crm-refused-how-bitrix24"),
    };
    crate::tr!(
        "crm-refused",
        name = safe::line(name),
        url = safe::line(url),
        detail = safe::line(detail),
        how = how
    )
}

pub fn forbidden(name: &str, what: &str, detail: &str) -> String {
    crate::tr!(
        "crm-forbidden",
        name = safe::line(name),
        what = safe::line(what),
        detail = safe::line(detail)
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

pub fn network(name: &str, url: &str, detail: &str, tries: u32) -> String {
    crate::tr!(
        "crm-network",
        name = safe::line(name),
        url = safe::line(url),
        tries = tries,
        detail = safe::line(detail)
    )
}

pub fn gave_up(name: &str, status: u16, tries: u32) -> String {
    crate::tr!(
        "crm-gave-up",
        name = safe::line(name),
        status = status.to_string(),
        tries = tries
    )
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

pub fn users_forbidden() -> String {
    crate::tr!("crm-users-forbidden")
}

pub fn comments_unread(deal: &str, error: &str) -> String {
    crate::tr!(
        "crm-comments-unread",
        deal = safe::line(deal),
        error = safe::line(error)
    )
}

pub fn unknown_pipeline(p: &str) -> String {
    crate::tr!("crm-unknown-pipeline", pipeline = safe::line(p))
}

// `okk crm test`

pub fn test_ok(name: &str, account: &str, user: &str) -> String {
    crate::tr!(
        "crm-test-ok",
        name = safe::line(name),
        account = safe::line(account),
        user = safe::line(user)
    )
}

pub fn test_can(what: &str, yes: bool) -> String {
    format!(
        "  {}: {}",
        safe::line(what),
        if yes {
            crate::tr!("crm-can-read")
        } else {
            crate::tr!("crm-cannot-read")
        }
    )
}

// The report.

pub fn report(r: &SyncReport) -> String {
    let dry_run = if r.dry_run {
        format!(" ({})", crate::tr!("crm-report-dry-run"))
    } else {
        String::new()
    };
    let mut s = crate::tr!(
        "crm-report",
        connection = safe::line(&r.connection),
        kind = r.kind.to_string(),
        url = safe::line(&r.url),
        rows = r.rows,
        inserted = r.inserted,
        updated = r.updated,
        moved = r.stage_changes,
        unchanged = r.unchanged,
        gone = r.gone,
        requests = r.requests,
        retries = r.retries,
        dry_run = dry_run
    );
    s.push('\n');
    if let Some(until) = &r.until {
        let since = r
            .since
            .as_ref()
            .map(|f| {
                format!(
                    " ({})",
                    crate::tr!("crm-report-since", since = f.to_string())
                )
            })
            .unwrap_or_default();
        let line = crate::tr!("crm-report-until", until = until.to_string(), since = since);
        s.push_str(&format!("  {line}\n"));
    }
    if let Some(full) = &r.full_sweep_at {
        let line = crate::tr!("crm-report-full-sweep", at = full.to_string());
        s.push_str(&format!("  {line}\n"));
    }
    for u in &r.unknown_stages {
        let line = crate::tr!(
            "crm-report-unknown-stage",
            stage = safe::line(&u.stage),
            cards = u.cards
        );
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

/// Which deal a failure or warning is about.
pub fn deal(id: &str) -> String {
    crate::tr!("crm-deal", id = id)
}

/// The sync's progress line on a terminal.
pub fn progress(deals: u64, pages: u64, requests: u64, waits: u64) -> String {
    crate::tr!(
        "crm-sync-progress",
        deals = deals,
        pages = pages,
        requests = requests,
        waits = waits
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
