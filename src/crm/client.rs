//! The HTTP side of a connection: one agent, at most the CRM's requests per second, retries with
//! backoff and jitter on "too many requests" and dropped connections, errors without secrets.
//! Kept apart from reading so that write-back can use the same client later.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::Value;

use super::config::{Connection, Kind, Secret};
use super::resolve::{OnceResolver, Remembered};
use ureq::unversioned::transport::DefaultConnector;

/// The biggest answer read (a page of 250 deals with many custom fields is well under this).
const MAX_BODY: u64 = 64 * 1024 * 1024;
/// The biggest buffer kept from one answer for the next (pages of 250 deals are a few hundred
/// kilobytes).
const KEPT_BODY: usize = 8 * 1024 * 1024;
/// Tries for one request that gets "too many requests" or a network error.
const MAX_TRIES: u32 = 6;
/// Tries for one request the CRM let wait past [`ANSWER_WAIT`] (or [`CONNECT_WAIT`]): a server
/// that holds the connection and says nothing is as silent on the third try as on the sixth,
/// and six tries of two minutes each held a morning's sync for twelve.
const MAX_SILENT_TRIES: u32 = 3;
/// How long a connection (TLS included) may take to be set up.
const CONNECT_WAIT: Duration = Duration::from_secs(10);
/// How long the CRM may take to begin its answer: a page of 250 deals or a `batch` of fifty
/// lists comes in seconds from a busy portal; thirty with nothing is a server that will not.
pub const ANSWER_WAIT: Duration = Duration::from_secs(30);
/// How long one answer may take in all, its body read whole.
const WHOLE_WAIT: Duration = Duration::from_secs(120);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Reads a whole answer into `buf` from its start; how many bytes it holds. `buf`'s length is
/// what of it was ever written (an earlier page's bytes): `read_to_end` into a cleared buffer
/// zeroed all of it again for every page, a memset as long as the page.
/// A JSON body without the spaces and line breaks ureq's `send_json` writes (a `batch` of
/// fifty commands was a third whitespace).
fn compact(body: &Value) -> Vec<u8> {
    serde_json::to_vec(body).expect("a JSON value serialises")
}

fn read_into(reader: &mut impl Read, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut n = 0;
    loop {
        if n == buf.len() {
            let more = buf.len().clamp(64 * 1024, 4 * 1024 * 1024);
            buf.resize(buf.len() + more, 0);
        }
        match reader.read(&mut buf[n..]) {
            Ok(0) => return Ok(n),
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// What stopped a request.
#[derive(Debug, Clone, PartialEq)]
pub enum CrmError {
    /// 401: the token is wrong, expired or revoked.
    Refused(String),
    /// 403.
    Forbidden(String),
    /// Another status the sync cannot go past.
    Status(u16, String),
    /// Still 429/503 after every try.
    GaveUp(u16, u32),
    /// No answer after every try.
    Network(NetFailure, u32),
    /// An answer that is not the documented JSON.
    Body(String),
    /// The user asked the run to stop (Ctrl-C): no request is sent after it.
    Interrupted,
}

/// Why no answer came: the common causes are said in the user's language, the rest by the
/// transport's own words.
#[derive(Debug, Clone, PartialEq)]
pub struct NetFailure {
    pub kind: NetKind,
    /// The transport's own words (secrets scrubbed).
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetKind {
    /// Nothing listens at the address (or a firewall says no).
    Refused,
    /// The host's name was not found.
    NotResolved,
    /// Connected, and no answer came in time.
    TimedOut,
    /// The connection (TLS included) was not set up in time: packets dropped on the way, or an
    /// `https` address whose port speaks plain HTTP and waits for a request that never comes.
    SetupTimedOut,
    /// The secure connection could not be set up (a certificate, a proxy in the way).
    Tls,
    /// An answer cut off, a bad gateway, anything else.
    Other,
}

impl NetKind {
    fn of(e: &ureq::Error) -> NetKind {
        use std::io::ErrorKind as K;
        match e {
            ureq::Error::HostNotFound => NetKind::NotResolved,
            ureq::Error::Timeout(ureq::Timeout::Connect) => NetKind::SetupTimedOut,
            ureq::Error::Timeout(_) => NetKind::TimedOut,
            ureq::Error::Tls(_)
            | ureq::Error::Rustls(_)
            | ureq::Error::Pem(_)
            | ureq::Error::TlsRequired => NetKind::Tls,
            ureq::Error::ConnectionFailed => NetKind::Refused,
            ureq::Error::Io(io) => match io.kind() {
                K::ConnectionRefused => NetKind::Refused,
                K::TimedOut => NetKind::TimedOut,
                _ if io
                    .get_ref()
                    .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some()) =>
                {
                    NetKind::Tls
                }
                // The system resolver says it in words only.
                _ if io.to_string().contains("failed to lookup address") => NetKind::NotResolved,
                _ => NetKind::Other,
            },
            _ => NetKind::Other,
        }
    }
}

/// An answer: `None` for 204 (amoCRM's "nothing found").
pub type Reply = Option<Value>;

pub struct Client {
    agent: ureq::Agent,
    /// The CRM's address as resolved for the first request: forgotten when one fails on the
    /// network.
    resolved: Remembered,
    base: String,
    bearer: Option<Secret>,
    kind: Kind,
    interval: Duration,
    next_at: Instant,
    backoff: Duration,
    /// The last answer's bytes: one buffer for every page (a page is read whole before it is
    /// parsed).
    body: Vec<u8>,
    pub requests: u64,
    pub retries: u64,
    /// Set when the user asks the run to stop (Ctrl-C).
    stop: Option<Arc<AtomicBool>>,
    /// Told of each retry as it begins (the retries so far), before its wait: the progress
    /// line shows them while no page comes.
    on_retry: Option<RetryHook>,
    /// The moves and deletions one landing of a reader's events holds at most.
    pub events_held: usize,
}

/// What a client tells of its retries (see [`Client::on_retry`]).
pub type RetryHook = Box<dyn Fn(u64) + Send>;

/// The moves and deletions one landing of events holds at most (about 200 bytes each): a first
/// sync of a large account reads its whole event history.
pub const EVENTS_HELD: usize = 100_000;

impl Client {
    pub fn new(conn: &Connection, bearer: Option<Secret>) -> Client {
        // On this machine only (tests, the fake server): the limits may be lifted, so that
        // tests of 429 bursts, silent servers and big accounts run in seconds.
        let local = |var: &str| {
            conn.loopback
                .then(|| std::env::var(var).ok())
                .flatten()
                .and_then(|v| v.parse::<u64>().ok())
        };
        let answer_wait = local("OKK_SYNC_ANSWER_MS").map_or(ANSWER_WAIT, Duration::from_millis);
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(WHOLE_WAIT))
            .timeout_connect(Some(CONNECT_WAIT.min(answer_wait)))
            .timeout_recv_response(Some(answer_wait))
            .user_agent(concat!("okk/", env!("CARGO_PKG_VERSION")))
            .build();
        let (resolver, resolved) = OnceResolver::new();
        let agent = ureq::Agent::with_parts(config, DefaultConnector::default(), resolver);
        let rate = match local("OKK_SYNC_RATE") {
            Some(0) => f64::INFINITY,
            Some(r) => r as f64,
            None => conn.kind.rate(),
        };
        Client {
            agent,
            resolved,
            base: conn.base_url().to_string(),
            bearer,
            kind: conn.kind,
            interval: Duration::from_secs_f64(1.0 / rate),
            next_at: Instant::now(),
            backoff: Duration::from_millis(local("OKK_SYNC_BACKOFF_MS").unwrap_or(500)),
            events_held: local("OKK_SYNC_EVENTS_HELD").map_or(EVENTS_HELD, |n| (n as usize).max(1)),
            body: Vec::new(),
            requests: 0,
            retries: 0,
            stop: None,
            on_retry: None,
        }
    }

    /// `hook` is told of each retry as it begins, with the retries so far.
    pub fn on_retry(&mut self, hook: RetryHook) {
        self.on_retry = Some(hook);
    }

    /// Sends no request once `stop` is set.
    pub fn stop_on(&mut self, stop: Arc<AtomicBool>) {
        self.stop = Some(stop);
    }

    fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }

    /// GET `{base}{path}` (amoCRM: `/api/v4/…?…`).
    pub fn get(&mut self, path: &str) -> Result<Reply, CrmError> {
        self.call(path, None)
    }

    /// POST a JSON body to `{base}{path}` (Bitrix24: `/crm.deal.list.json`).
    pub fn post(&mut self, path: &str, body: &Value) -> Result<Reply, CrmError> {
        self.call(path, Some(&compact(body)))
    }

    /// GET, the answer read by `parse` (typed, with no `Value` tree in between); `None` for
    /// an empty answer.
    pub fn get_with<R>(
        &mut self,
        path: &str,
        mut parse: impl FnMut(&str) -> serde_json::Result<R>,
    ) -> Result<Option<R>, CrmError> {
        self.call_with(path, None, &mut parse)
    }

    /// POST a JSON body, the answer read by `parse`; `None` for an empty answer.
    pub fn post_with<R>(
        &mut self,
        path: &str,
        body: &Value,
        mut parse: impl FnMut(&str) -> serde_json::Result<R>,
    ) -> Result<Option<R>, CrmError> {
        self.call_with(path, Some(&compact(body)), &mut parse)
    }

    /// [`Client::post_with`] of a body already written as JSON (a `batch` of many commands,
    /// written straight into text rather than built as a tree first).
    pub fn post_json_with<R>(
        &mut self,
        path: &str,
        json: &[u8],
        mut parse: impl FnMut(&str) -> serde_json::Result<R>,
    ) -> Result<Option<R>, CrmError> {
        self.call_with(path, Some(json), &mut parse)
    }

    fn call(&mut self, path: &str, body: Option<&[u8]>) -> Result<Reply, CrmError> {
        self.call_with(path, body, &mut |t| serde_json::from_str::<Value>(t))
    }

    fn call_with<R>(
        &mut self,
        path: &str,
        body: Option<&[u8]>,
        parse: &mut dyn FnMut(&str) -> serde_json::Result<R>,
    ) -> Result<Option<R>, CrmError> {
        // Brackets of amoCRM's `filter[…]` are not allowed raw in a URL's query.
        let url = format!(
            "{}{}",
            self.base,
            path.replace('[', "%5B").replace(']', "%5D")
        );
        let mut tries = 0u32;
        loop {
            tries += 1;
            self.pace();
            if self.stopped() {
                return Err(CrmError::Interrupted);
            }
            self.requests += 1;
            let outcome = self.once(&url, body, parse);
            let wait = match outcome {
                Attempt::Done(r) => return r,
                Attempt::Busy(status, retry_after) => {
                    if tries >= MAX_TRIES {
                        return Err(CrmError::GaveUp(status, tries));
                    }
                    retry_after.unwrap_or_else(|| self.backoff_for(tries))
                }
                Attempt::Network(detail) => {
                    self.resolved.forget();
                    let most = match detail.kind {
                        NetKind::TimedOut | NetKind::SetupTimedOut => MAX_SILENT_TRIES,
                        _ => MAX_TRIES,
                    };
                    if tries >= most {
                        return Err(CrmError::Network(detail, tries));
                    }
                    self.backoff_for(tries)
                }
            };
            self.retries += 1;
            if let Some(hook) = &self.on_retry {
                hook(self.retries);
            }
            std::thread::sleep(wait);
        }
    }

    /// Sleeps until the next request is allowed.
    fn pace(&mut self) {
        let now = Instant::now();
        if self.next_at > now {
            std::thread::sleep(self.next_at - now);
        }
        self.next_at = Instant::now().checked_add(self.interval).unwrap_or(now);
    }

    /// Exponential, with jitter so that several clients of one portal do not retry in step.
    fn backoff_for(&self, tries: u32) -> Duration {
        let base = self
            .backoff
            .saturating_mul(1 << tries.min(8).saturating_sub(1));
        let jitter = rand::rng().random_range(0.5..1.5);
        base.mul_f64(jitter).min(MAX_BACKOFF)
    }

    fn once<R>(
        &mut self,
        url: &str,
        body: Option<&[u8]>,
        parse: &mut dyn FnMut(&str) -> serde_json::Result<R>,
    ) -> Attempt<R> {
        let result = match body {
            None => {
                let mut req = self.agent.get(url);
                if let Some(t) = &self.bearer {
                    req = req.header("Authorization", format!("Bearer {}", t.expose()));
                }
                req.call()
            }
            Some(b) => {
                let mut req = self.agent.post(url);
                if let Some(t) = &self.bearer {
                    req = req.header("Authorization", format!("Bearer {}", t.expose()));
                }
                req.header("Content-Type", "application/json; charset=utf-8")
                    .send(b)
            }
        };
        let mut resp = match result {
            Ok(r) => r,
            Err(e) => return Attempt::Network(self.net(NetKind::of(&e), &e.to_string())),
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(|s| Duration::from_secs(s).min(MAX_BACKOFF));
        let mut body_bytes = std::mem::take(&mut self.body);
        let mut reader = resp.body_mut().with_config().limit(MAX_BODY).reader();
        let outcome = match read_into(&mut reader, &mut body_bytes) {
            Ok(n) => self.answer(status, retry_after, &body_bytes[..n], parse),
            // A body cut short (the connection dropped mid-page) is tried again.
            Err(e) => Attempt::Network(self.net(NetKind::Other, &e.to_string())),
        };
        // An odd answer of many megabytes is not kept for the pages after it.
        if body_bytes.len() <= KEPT_BODY {
            self.body = body_bytes;
        }
        outcome
    }

    /// What an answer read whole says.
    fn answer<R>(
        &self,
        status: u16,
        retry_after: Option<Duration>,
        body: &[u8],
        parse: &mut dyn FnMut(&str) -> serde_json::Result<R>,
    ) -> Attempt<R> {
        // simdutf8 first: a page of Cyrillic names is all multi-byte, where std's check is
        // slowest (a tenth of a 30-field page's reading); std's, only for a body that fails, to
        // tell a letter cut at the end from a wrong byte.
        let checked = match simdutf8::basic::from_utf8(body) {
            Ok(t) => Ok(t),
            Err(_) => std::str::from_utf8(body),
        };
        let text = match checked {
            Ok(t) => t,
            // A letter cut at the end: the connection was cut mid-page.
            Err(e) if e.error_len().is_none() => {
                return Attempt::Network(self.net(NetKind::Other, &e.to_string()));
            }
            Err(e) => return Attempt::Done(Err(CrmError::Body(e.to_string()))),
        };
        if (200..=299).contains(&status) && status != 204 && !text.trim().is_empty() {
            return match parse(text) {
                Ok(v) => Attempt::Done(Ok(Some(v))),
                // The body ended mid-way: the connection was cut, as a dropped one is.
                Err(e) if e.is_eof() => Attempt::Network(self.net(NetKind::Other, &e.to_string())),
                Err(e) => Attempt::Done(Err(CrmError::Body(e.to_string()))),
            };
        }
        let json = if text.trim().is_empty() {
            None
        } else {
            match serde_json::from_str::<Value>(text) {
                Ok(v) => Some(v),
                Err(_) if status >= 400 => None,
                // The body ended mid-way: the connection was cut, as a dropped one is.
                Err(e) if e.is_eof() => {
                    return Attempt::Network(self.net(NetKind::Other, &e.to_string()));
                }
                Err(e) => return Attempt::Done(Err(CrmError::Body(e.to_string()))),
            }
        };
        let detail = || self.scrub(&error_detail(json.as_ref(), status));
        let code = json
            .as_ref()
            .and_then(|j| j.get("error"))
            .and_then(Value::as_str)
            .unwrap_or("");
        match status {
            200..=299 if status == 204 || json.is_none() => Attempt::Done(Ok(None)),
            200..=299 => Attempt::Done(Ok(None)),
            429 | 503 => Attempt::Busy(status, retry_after),
            // Bitrix24: the webhook lacks a scope (e.g. `user`): a refusal of that one method.
            _ if matches!(code, "insufficient_scope" | "ACCESS_DENIED") => {
                Attempt::Done(Err(CrmError::Forbidden(detail())))
            }
            _ if code == "QUERY_LIMIT_EXCEEDED" => Attempt::Busy(status, retry_after),
            401 => Attempt::Done(Err(CrmError::Refused(detail()))),
            // Bitrix24 says a bad webhook this way too.
            _ if matches!(
                code,
                "expired_token" | "NO_AUTH_FOUND" | "INVALID_CREDENTIALS" | "invalid_token"
            ) =>
            {
                Attempt::Done(Err(CrmError::Refused(detail())))
            }
            403 => Attempt::Done(Err(CrmError::Forbidden(detail()))),
            502 | 504 => Attempt::Network(self.net(NetKind::Other, &detail())),
            _ => Attempt::Done(Err(CrmError::Status(status, detail()))),
        }
    }

    fn net(&self, kind: NetKind, detail: &str) -> NetFailure {
        NetFailure {
            kind,
            detail: self.scrub(detail),
        }
    }

    /// Removes the secrets from a message that may quote the address.
    fn scrub(&self, s: &str) -> String {
        let mut out = s.replace(&self.base, &super::config::redact(&self.base));
        // The webhook's code alone too: an answer may quote the path without the host.
        if let Some(code) = super::config::webhook_code(&self.base) {
            out = out.replace(code, "***");
        }
        if let Some(t) = &self.bearer {
            out = out.replace(t.expose(), "***");
        }
        out
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }
}

enum Attempt<R> {
    Done(Result<Option<R>, CrmError>),
    Busy(u16, Option<Duration>),
    Network(NetFailure),
}

/// The CRM's own words for an error: amoCRM's problem+json `detail`/`title`, Bitrix24's
/// `error_description`/`error`.
fn error_detail(json: Option<&Value>, status: u16) -> String {
    let pick = |k: &str| {
        json.and_then(|j| j.get(k))
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    };
    let mut text = pick("error_description")
        .or_else(|| pick("detail"))
        .or_else(|| pick("title"))
        .or_else(|| pick("error"))
        .unwrap_or_else(|| crate::text::crm::bare_status(&status));
    if text.chars().count() > 200 {
        text = text.chars().take(200).collect::<String>() + "…";
    }
    text
}

#[cfg(test)]
mod tests {
    use super::read_into;

    /// A reader that hands out at most `step` bytes a call, as a socket does.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let k = self.step.min(out.len()).min(self.data.len());
            out[..k].copy_from_slice(&self.data[..k]);
            self.data = &self.data[k..];
            Ok(k)
        }
    }

    #[test]
    fn an_answer_read_into_a_kept_buffer_is_the_answer_alone() {
        let long: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut buf = Vec::new();
        let n = read_into(
            &mut Trickle {
                data: &long,
                step: 7000,
            },
            &mut buf,
        )
        .unwrap();
        assert_eq!(&buf[..n], &long[..]);
        // A shorter page after it: its bytes, not the longer page's tail.
        let n = read_into(
            &mut Trickle {
                data: b"{\"ok\":1}",
                step: 3,
            },
            &mut buf,
        )
        .unwrap();
        assert_eq!(&buf[..n], b"{\"ok\":1}");
        let n = read_into(&mut Trickle { data: b"", step: 3 }, &mut buf).unwrap();
        assert_eq!(n, 0);
    }
}
