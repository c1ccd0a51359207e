//! The `[[crm]]` tables of config.toml: one connection per CRM account, checked with the line and
//! column of what is wrong; where its token comes from, and the redacted form of its address.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub use crate::domain::crm_connection::{Kind, TokenSource};
use crate::text::crm as msg;

/// One `[[crm]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConnection {
    name: Spanned<String>,
    kind: Spanned<String>,
    url: Spanned<String>,
    token_env: Option<Spanned<String>>,
    token_file: Option<Spanned<String>>,
    #[serde(default)]
    pipelines: Vec<Spanned<String>>,
}

#[derive(Debug, Clone)]
pub struct Connection {
    /// The source name its cards get.
    pub name: String,
    pub kind: Kind,
    /// The account's address without a trailing slash (Bitrix24: the webhook's, secret
    /// included: never print it, print [`Connection::shown_url`]).
    url: String,
    pub token: TokenSource,
    pub pipelines: Vec<String>,
    /// The host is this machine: plain http is allowed (tests, the fake server).
    pub loopback: bool,
    /// Where the config file names its token (`FILE:LINE:COLUMN` of `token_env`/`token_file`):
    /// what a problem with the token points at.
    pub token_at: Option<String>,
    /// Where the config file names each of `pipelines` (`FILE:LINE:COLUMN`), in their order:
    /// what a pipeline the CRM has not points at.
    pub pipelines_at: Vec<String>,
}

/// A secret that never prints.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl RawConnection {
    /// Where its `name` is written: the place a problem with the connection as a whole points at.
    pub fn name_offset(&self) -> usize {
        self.name.span().start
    }

    /// Where its token's source (`token_env`, `token_file`) is written, if it names one.
    pub fn token_offset(&self) -> Option<usize> {
        (self.token_file.as_ref().or(self.token_env.as_ref())).map(|t| t.span().start)
    }

    /// Where each of its `pipelines` is written.
    pub fn pipeline_offsets(&self) -> impl Iterator<Item = usize> + '_ {
        self.pipelines.iter().map(|p| p.span().start)
    }
}

/// A config error at a byte offset of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct AtError {
    pub offset: usize,
    pub message: String,
}

pub fn check(raw: &[RawConnection]) -> Result<Vec<Connection>, AtError> {
    let mut out: Vec<Connection> = Vec::with_capacity(raw.len());
    for r in raw {
        let at = |s: &std::ops::Range<usize>, message: String| AtError {
            offset: s.start,
            message,
        };
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() || name.chars().any(char::is_control) {
            return Err(at(&r.name.span(), msg::bad_name()));
        }
        if out.iter().any(|c| c.name == name) {
            return Err(at(&r.name.span(), msg::duplicate_name(&name)));
        }
        let kind = Kind::parse(r.kind.get_ref().trim())
            .ok_or_else(|| at(&r.kind.span(), msg::bad_kind(r.kind.get_ref())))?;
        let url = r.url.get_ref().trim().trim_end_matches('/').to_string();
        let loopback = check_url(&url).map_err(|m| at(&r.url.span(), m))?;
        let token = match (&r.token_env, &r.token_file) {
            (Some(_), Some(f)) => return Err(at(&f.span(), msg::two_tokens())),
            (Some(e), None) => {
                let var = e.get_ref().trim();
                if var.is_empty() || var.contains('=') || var.contains('\0') {
                    return Err(at(&e.span(), msg::bad_token_env()));
                }
                TokenSource::Env(var.to_string())
            }
            (None, Some(f)) => TokenSource::File(PathBuf::from(f.get_ref().trim())),
            (None, None) if kind == Kind::Bitrix24 => {
                if webhook_secret(&url).is_none() {
                    return Err(at(&r.url.span(), msg::no_webhook_secret()));
                }
                TokenSource::InUrl
            }
            (None, None) => return Err(at(&r.name.span(), msg::no_token(&name))),
        };
        out.push(Connection {
            name,
            kind,
            url,
            token,
            pipelines: (r.pipelines.iter())
                .map(|p| p.get_ref().trim().to_string())
                .collect(),
            loopback,
            token_at: None,
            pipelines_at: Vec::new(),
        });
    }
    Ok(out)
}

/// What `okk crm add --url` was given, cut to the address the connection keeps: an amoCRM
/// account's origin (a page of the account pasted from the browser would make every request
/// go astray), a Bitrix24 webhook up to its code (`…/rest/1/CODE/`, no method after it).
/// Returns the address and what was cut off; errors speak of the flags.
pub fn add_address(kind: Kind, url: &str) -> Result<(String, Option<String>), String> {
    let url = url.trim();
    // An address as a browser's bar shows it, with no scheme: a CRM's is https.
    let https;
    let url = if url.contains("://") || url.is_empty() {
        url
    } else {
        https = format!("https://{url}");
        &https
    };
    let flagged = |m: String| msg::add_flag("--url", &m);
    check_url(url.trim_end_matches('/')).map_err(|e| {
        if e == msg::https_required() {
            let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
            flagged(msg::https_instead(&format!("https://{rest}")))
        } else {
            msg::add_bad_url()
        }
    })?;
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..authority_len]);
    let after = &rest[authority_len..];
    let cut = |kept: String, dropped: &str| {
        let dropped = dropped.trim_matches('/');
        (kept, (!dropped.is_empty()).then(|| dropped.to_string()))
    };
    match kind {
        Kind::AmoCrm | Kind::Kommo => Ok(cut(origin, after)),
        Kind::Bitrix24 => {
            let path = after.split(['?', '#']).next().unwrap_or("");
            let mut parts = path.split('/').filter(|p| !p.is_empty());
            match (parts.next(), parts.next(), parts.next()) {
                (Some("rest"), Some(user), Some(code))
                    if user.bytes().all(|b| b.is_ascii_digit()) && !code.ends_with(".json") =>
                {
                    let kept = format!("{origin}/rest/{user}/{code}/");
                    let dropped = &url[url.find(code).map_or(url.len(), |i| i + code.len())..];
                    Ok(cut(kept, dropped))
                }
                _ => Err(msg::add_bad_webhook()),
            }
        }
    }
}

/// Checks the scheme and host; returns whether the host is loopback.
fn check_url(url: &str) -> Result<bool, String> {
    let (scheme, rest) = url.split_once("://").ok_or_else(msg::bad_url)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') || url.chars().any(char::is_whitespace) {
        return Err(msg::bad_url());
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    }
    .to_ascii_lowercase();
    let loopback = matches!(host.as_str(), "127.0.0.1" | "localhost" | "::1");
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(loopback),
        "http" if loopback => Ok(true),
        "http" => Err(msg::https_required()),
        _ => Err(msg::bad_url()),
    }
}

/// The secret part of a Bitrix24 incoming webhook (`…/rest/{user}/{code}`): its byte range.
fn webhook_secret(url: &str) -> Option<std::ops::Range<usize>> {
    let at = url.find("/rest/")? + "/rest/".len();
    let rest = &url[at..];
    let user_len = rest.find('/')?;
    let code_at = at + user_len + 1;
    let code_len = url[code_at..]
        .find(['/', '?', '#'])
        .unwrap_or(url.len() - code_at);
    (code_len > 0).then_some(code_at..code_at + code_len)
}

/// An address with any secret in it replaced by `***` (Bitrix24 webhooks carry one).
pub fn redact(url: &str) -> String {
    match webhook_secret(url) {
        Some(r) => format!("{}***{}", &url[..r.start], &url[r.end..]),
        None => url.to_string(),
    }
}

/// An address as okk shows it (`okk crm add`, `okk crm list`, reports, `--json`): redacted, a
/// Bitrix24 webhook's ending in `/` as the portal gives it (`…/rest/1/***/`), whether or not
/// the config's spelling ends in one, so that every place writes it one way.
pub fn shown(url: &str) -> String {
    let redacted = redact(url);
    match webhook_secret(url) {
        Some(r) if r.end == url.len() => redacted + "/",
        _ => redacted,
    }
}

/// The code of a Bitrix24 incoming webhook's address (its secret), if it has one: scrubbed
/// from whatever quotes it, with or without the address around it.
pub fn webhook_code(url: &str) -> Option<&str> {
    webhook_secret(url).map(|r| &url[r])
}

/// What `okk crm add` cut from an address, as it may be shown: the values of query parameters
/// that may carry a secret (`auth=`, `access_token=`, `code=`, …) are `***`.
pub fn redact_cut(dropped: &str) -> String {
    let Some((path, query)) = dropped.split_once('?') else {
        return dropped.to_string();
    };
    let secret = |key: &str| {
        let key = key.to_ascii_lowercase();
        ["auth", "token", "code", "secret", "key", "pass", "sig"]
            .iter()
            .any(|s| key.contains(s))
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) if secret(k) && !v.is_empty() => format!("{k}=***"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// The connections that read deals an earlier one reads too, each with that earlier one:
/// (earlier, later) indices. Both sync into the store under their own source, so each deal
/// they share would become two cards.
pub fn same_account(conns: &[Connection]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (j, later) in conns.iter().enumerate() {
        if let Some(i) = conns[..j].iter().position(|c| c.reads_deals_of(later)) {
            pairs.push((i, j));
        }
    }
    pairs
}

impl Connection {
    /// The account's host, lower-case and without the scheme's own port: what two connections
    /// to one account have in common (two Bitrix24 webhooks of a portal differ in their path).
    pub fn account(&self) -> String {
        let rest = self.url.split_once("://").map_or(&self.url[..], |(_, r)| r);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.to_ascii_lowercase();
        let host = host
            .strip_suffix(":443")
            .filter(|_| self.url.starts_with("https"))
            .unwrap_or(host.as_str());
        let host = host.trim_end_matches('.');
        // This machine by any of its names (the fake CRM's docs say 127.0.0.1, a user may
        // write localhost): one account at one port.
        let (name, port) = match host.rsplit_once(':').filter(|(n, _)| !n.ends_with(':')) {
            Some((n, p)) if !host.ends_with(']') => (n, Some(p)),
            _ => (host, None),
        };
        let name = match name {
            "localhost" | "[::1]" => "127.0.0.1",
            other => other,
        };
        match port {
            Some(p) => format!("{name}:{p}"),
            None => name.to_string(),
        }
    }

    /// Whether some deal both connections read: one account (amoCRM and Kommo are one API),
    /// and a pipeline in common (none named is every pipeline).
    pub fn reads_deals_of(&self, other: &Connection) -> bool {
        let family = |k: Kind| matches!(k, Kind::AmoCrm | Kind::Kommo);
        let same_api = family(self.kind) == family(other.kind);
        let common_pipeline = self.pipelines.is_empty()
            || other.pipelines.is_empty()
            || self.pipelines.iter().any(|p| other.pipelines.contains(p));
        same_api && self.account() == other.account() && common_pipeline
    }

    /// The address as it may be shown: the webhook's secret redacted.
    pub fn shown_url(&self) -> String {
        shown(&self.url)
    }

    /// The address requests go to (secret included).
    pub fn base_url(&self) -> &str {
        &self.url
    }

    /// A deal's page in the CRM's web UI.
    pub fn card_url(&self, deal_id: &str) -> String {
        let (before, after) = self.card_url_parts();
        format!("{before}{deal_id}{after}")
    }

    /// A deal's page in the CRM's web UI, around the deal's id.
    pub fn card_url_parts(&self) -> (String, String) {
        match self.kind {
            Kind::AmoCrm | Kind::Kommo => (format!("{}/leads/detail/", self.url), String::new()),
            Kind::Bitrix24 => {
                let portal = self
                    .url
                    .find("/rest/")
                    .map_or(&self.url[..], |i| &self.url[..i]);
                (format!("{portal}/crm/deal/details/"), "/".to_string())
            }
        }
    }

    /// Reads the token. A token file must be readable by its owner only. The error says what
    /// is wrong and how to put it right.
    pub fn secret(&self) -> Result<Option<Secret>, String> {
        self.read_secret().map_err(|p| self.explain(&p))
    }

    /// What is wrong with its token (`problem`), at the place the config file names it.
    pub fn explain(&self, problem: &TokenProblem) -> String {
        match &self.token_at {
            Some(at) => format!("{at}: {}", problem.message(&self.name)),
            None => problem.message(&self.name),
        }
    }

    /// Why the token cannot be read now, if it cannot (`okk crm add` warns of it).
    pub fn token_problem(&self) -> Option<TokenProblem> {
        self.read_secret().err()
    }

    fn read_secret(&self) -> Result<Option<Secret>, TokenProblem> {
        match &self.token {
            TokenSource::InUrl => Ok(None),
            TokenSource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.trim().is_empty() => Ok(Some(Secret(v.trim().to_string()))),
                _ => Err(TokenProblem::EnvUnset(var.clone())),
            },
            TokenSource::File(path) => read_token_file(path).map(Some),
        }
    }
}

/// Why a connection's token cannot be read.
#[derive(Debug)]
pub enum TokenProblem {
    /// The variable is not set (or empty).
    EnvUnset(String),
    FileMissing(PathBuf),
    FileUnreadable(PathBuf, std::io::Error),
    /// Others than its owner may read it (the mode).
    FileOpen(PathBuf, u32),
    FileEmpty(PathBuf),
}

impl TokenProblem {
    /// What is wrong with connection `name`'s token, and how to put it right.
    pub fn message(&self, name: &str) -> String {
        match self {
            TokenProblem::EnvUnset(var) => msg::token_env_unset(name, var),
            TokenProblem::FileMissing(path) => msg::token_file_missing(name, path),
            TokenProblem::FileUnreadable(path, e) => msg::token_file_unreadable(name, path, e),
            TokenProblem::FileOpen(path, mode) => msg::token_file_open(name, path, *mode),
            TokenProblem::FileEmpty(path) => msg::token_file_empty(name, path),
        }
    }
}

fn read_token_file(path: &Path) -> Result<Secret, TokenProblem> {
    let unreadable = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => TokenProblem::FileMissing(path.to_path_buf()),
        _ => TokenProblem::FileUnreadable(path.to_path_buf(), e),
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(TokenProblem::FileOpen(path.to_path_buf(), mode));
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    let token = text.trim();
    if token.is_empty() {
        return Err(TokenProblem::FileEmpty(path.to_path_buf()));
    }
    Ok(Secret(token.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_secret_is_redacted_and_other_urls_are_kept() {
        assert_eq!(
            redact("https://portal.bitrix24.ru/rest/1/abc123def/"),
            "https://portal.bitrix24.ru/rest/1/***/"
        );
        assert_eq!(
            redact("https://portal.bitrix24.ru/rest/1/abc123def"),
            "https://portal.bitrix24.ru/rest/1/***"
        );
        assert_eq!(redact("https://x.amocrm.ru"), "https://x.amocrm.ru");
        // Shown one way, with or without the slash the config has.
        for url in [
            "https://p.bitrix24.ru/rest/1/abc123/",
            "https://p.bitrix24.ru/rest/1/abc123",
        ] {
            assert_eq!(shown(url), "https://p.bitrix24.ru/rest/1/***/");
        }
        assert_eq!(shown("https://x.amocrm.ru"), "https://x.amocrm.ru");
        assert_eq!(
            webhook_code("https://portal.bitrix24.ru/rest/1/abc123def/"),
            Some("abc123def")
        );
        assert_eq!(webhook_code("https://x.amocrm.ru"), None);
    }

    #[test]
    fn what_crm_add_cut_is_shown_without_a_secret_in_its_query() {
        assert_eq!(
            redact_cut("leads/pipeline/1/?skip_filter=Y"),
            "leads/pipeline/1/?skip_filter=Y"
        );
        assert_eq!(
            redact_cut("crm.deal.list.json?auth=s3cr3t&start=0"),
            "crm.deal.list.json?auth=***&start=0"
        );
        assert_eq!(
            redact_cut("?code=def502&referer=x.amocrm.ru"),
            "?code=***&referer=x.amocrm.ru"
        );
    }

    #[test]
    fn https_is_required_except_on_loopback() {
        assert_eq!(check_url("https://x.amocrm.ru"), Ok(false));
        assert_eq!(check_url("http://127.0.0.1:8080"), Ok(true));
        assert_eq!(check_url("http://localhost"), Ok(true));
        assert_eq!(check_url("http://[::1]:9/rest/1/x"), Ok(true));
        assert!(check_url("http://x.amocrm.ru").is_err());
        assert!(check_url("http://127.0.0.1.evil.com").is_err());
        assert!(check_url("https://user:pw@x.amocrm.ru").is_err());
        assert!(check_url("ftp://x").is_err());
    }

    #[test]
    fn crm_add_keeps_an_amocrm_accounts_origin_and_a_webhook_up_to_its_code() {
        assert_eq!(
            add_address(
                Kind::AmoCrm,
                "https://x.amocrm.ru/leads/pipeline/1/?skip_filter=Y"
            ),
            Ok((
                "https://x.amocrm.ru".to_string(),
                Some("leads/pipeline/1/?skip_filter=Y".to_string())
            ))
        );
        assert_eq!(
            add_address(Kind::Kommo, "https://x.kommo.com/"),
            Ok(("https://x.kommo.com".to_string(), None))
        );
        assert_eq!(
            add_address(
                Kind::Bitrix24,
                "https://p.bitrix24.ru/rest/1/c0de/crm.deal.list.json"
            ),
            Ok((
                "https://p.bitrix24.ru/rest/1/c0de/".to_string(),
                Some("crm.deal.list.json".to_string())
            ))
        );
        assert_eq!(
            add_address(Kind::Bitrix24, "https://p.bitrix24.ru/rest/1/c0de"),
            Ok(("https://p.bitrix24.ru/rest/1/c0de/".to_string(), None))
        );
        for no_webhook in [
            "https://p.bitrix24.ru",
            "https://p.bitrix24.ru/crm/deal/list/",
            "https://p.bitrix24.ru/rest/1/crm.deal.list.json",
        ] {
            assert_eq!(
                add_address(Kind::Bitrix24, no_webhook),
                Err(msg::add_bad_webhook()),
                "{no_webhook}"
            );
        }
        let http = add_address(Kind::AmoCrm, "http://x.amocrm.ru").unwrap_err();
        assert!(http.starts_with("--url"), "{http}");
    }

    fn connections(toml_text: &str) -> Vec<Connection> {
        #[derive(Deserialize)]
        struct File {
            crm: Vec<RawConnection>,
        }
        check(&toml::from_str::<File>(toml_text).unwrap().crm).unwrap()
    }

    #[test]
    fn two_connections_of_one_account_are_found_unless_their_pipelines_part() {
        let c = connections(
            r#"
[[crm]]
name = "main"
kind = "amocrm"
url = "https://X.amocrm.ru"
token_env = "T"
[[crm]]
name = "again"
kind = "kommo"
url = "https://x.amocrm.ru:443/"
token_env = "T"
[[crm]]
name = "sales"
kind = "amocrm"
url = "https://y.amocrm.ru"
token_env = "T"
pipelines = ["Продажи"]
[[crm]]
name = "rent"
kind = "amocrm"
url = "https://y.amocrm.ru"
token_env = "T"
pipelines = ["Аренда"]
[[crm]]
name = "b24"
kind = "bitrix24"
url = "https://p.bitrix24.ru/rest/1/one/"
[[crm]]
name = "b24-other-webhook"
kind = "bitrix24"
url = "https://p.bitrix24.ru/rest/7/two/"
pipelines = ["Сделки"]
"#,
        );
        assert_eq!(c[1].account(), "x.amocrm.ru");
        // tester41 F10: this machine by two names is one account at one port.
        let local = connections(
            r#"
[[crm]]
name = "fake"
kind = "amocrm"
url = "http://127.0.0.1:18741"
token_env = "T"
[[crm]]
name = "fake2"
kind = "amocrm"
url = "http://localhost:18741"
token_env = "T"
[[crm]]
name = "fake3"
kind = "amocrm"
url = "http://[::1]:18741"
token_env = "T"
[[crm]]
name = "other-port"
kind = "amocrm"
url = "http://localhost:18742"
token_env = "T"
"#,
        );
        assert_eq!(local[1].account(), "127.0.0.1:18741");
        assert_eq!(local[2].account(), "127.0.0.1:18741");
        assert_eq!(same_account(&local), vec![(0, 1), (0, 2)]);
        // main/again: one account; sales/rent: one account, pipelines apart; two webhooks of
        // one portal: one account.
        assert_eq!(same_account(&c), vec![(0, 1), (4, 5)]);
    }

    #[test]
    fn card_urls_follow_each_crm() {
        #[derive(Deserialize)]
        struct File {
            crm: Vec<RawConnection>,
        }
        let raw = toml::from_str::<File>(
            r#"
[[crm]]
name = "a"
kind = "amocrm"
url = "https://x.amocrm.ru/"
token_env = "T"
[[crm]]
name = "b"
kind = "bitrix24"
url = "https://p.bitrix24.ru/rest/1/secret/"
"#,
        )
        .unwrap()
        .crm;
        let c = check(&raw).unwrap();
        assert_eq!(c[0].card_url("7"), "https://x.amocrm.ru/leads/detail/7");
        assert_eq!(
            c[1].card_url("7"),
            "https://p.bitrix24.ru/crm/deal/details/7/"
        );
        assert_eq!(c[1].shown_url(), "https://p.bitrix24.ru/rest/1/***/");
    }
}
