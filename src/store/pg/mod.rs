//! The PostgreSQL store (a team server, docs/team-server.md): one session on a database that
//! several okk share, behind the same ports as the SQLite store, with its own migrations.

mod bulk_load;
mod bundle;
mod bundle_export;
pub mod claims;
mod conn;
pub mod copy;
mod copy_text;
mod desk;
mod export;
mod fill;
mod funnel_history;
pub mod import;
mod judged_rows;
mod known;
pub mod link;
mod ports;
mod prepared;
mod prune;
mod queue;
mod reattach;
mod relabel;
pub mod roles;
mod rules_run;
pub mod schema;
mod stage_counts;
mod stats;
mod suggest;
mod sync;
#[cfg(test)]
mod test_db;
pub mod watch;
mod written;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use postgres::error::SqlState;
use postgres::{Client, NoTls};

use super::StoreError;
use crate::domain::store_error::BoxError;

/// A PostgreSQL backend error at the store's edge. A lock not had within the wait, a cancelled
/// statement or a serialisation conflict is busy: the desk keeps the verdict in its journal and
/// tries again, as when an import holds a SQLite file. A lost connection is unreachable: kept
/// the same, and the reviewer reconnects.
impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        if let Some(db) = e.as_db_error()
            && *db.code() == SqlState::INSUFFICIENT_PRIVILEGE
        {
            return StoreError::Refused {
                table: refused_table(db.message()),
            };
        }
        // The link, not the store: the connection is gone (closed, reset, timed out) or the
        // server is going away. The desk keeps the verdict here and reconnects.
        let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
        let lost = e.is_closed()
            || io
            || e.code().is_some_and(|c| {
                c.code().starts_with("08")
                    || *c == SqlState::ADMIN_SHUTDOWN
                    || *c == SqlState::CRASH_SHUTDOWN
                    || *c == SqlState::CANNOT_CONNECT_NOW
            });
        if lost {
            return StoreError::Unreachable {
                source: Box::new(e),
            };
        }
        let busy = e.code().is_some_and(|c| {
            *c == SqlState::LOCK_NOT_AVAILABLE
                || *c == SqlState::QUERY_CANCELED
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED
        });
        StoreError::Backend {
            busy,
            source: Box::new(DbFailure(e)),
        }
    }
}

/// A server's error said with the server's own words (the driver says only "db error").
#[derive(Debug)]
struct DbFailure(postgres::Error);

impl std::fmt::Display for DbFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_db_error() {
            Some(db) => {
                write!(f, "{} ({})", db.message(), db.code().code())?;
                if let Some(detail) = db.detail() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            None => self.0.fmt(f),
        }
    }
}

impl std::error::Error for DbFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// The table a refusal names: "new row violates row-level security policy for table
/// \"reviews\"" or "permission denied for table lead_decisions" (the server's words, English
/// in every locale okk connects with; the table names are okk's own).
fn refused_table(message: &str) -> String {
    message
        .rsplit_once("table ")
        .map(|(_, t)| t.trim_matches('"').to_string())
        .unwrap_or_default()
}

/// Whether `--db` names a PostgreSQL server rather than a file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// One session on an okk database. `conn` is a `RefCell` because the ports read through
/// `&self` and a client asks `&mut` for every statement; a store is used by one thread at a
/// time (`Send`, not `Sync`), as a SQLite connection is.
pub struct PgStore {
    /// The watch on the connection's socket (`link`): first, so that it ends before the
    /// client closes the socket.
    _watch: link::Watch,
    pub(crate) conn: conn::Conn,
    /// The hot statements, prepared once for this session.
    pub(crate) prepared: prepared::Prepared,
    /// The custom fields' names by id as this session last read them (a card's detail reads
    /// them all): a verdict keys the card as judged by them, a review read back names them.
    /// Names only ever gain ids; one missing here is read again.
    pub(crate) field_names: RefCell<Option<crate::store::fields::FieldNames>>,
    url: String,
    /// The URL without its password: what messages and the journal's name show.
    shown: PathBuf,
    /// Where verdicts the server could not take yet are kept (on this machine, not the server):
    /// the files' names begin with this path's, the store's identity in it.
    journal: PathBuf,
    /// The journal's name before the store had an identity (the URL's digest): what an older
    /// okk left there is written too.
    journal_by_url: PathBuf,
}

/// How long a connection may take to be made when the URL sets no `connect_timeout`.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl PgStore {
    /// Connects to the database `url` names and migrates it; a database made by a newer okk,
    /// or holding other tables and no okk mark, is refused before anything is written.
    /// `journal_dir`: where this machine keeps verdicts the server could not take yet.
    pub fn open(url: &str, journal_dir: &Path) -> Result<PgStore, StoreError> {
        PgStore::open_as(url, journal_dir, true)
    }

    /// [`PgStore::open`]; `watched`: its statements have the link's deadline on silence (a
    /// session that only waits for others' notifications is silent by right).
    fn open_as(url: &str, journal_dir: &Path, watched: bool) -> Result<PgStore, StoreError> {
        let shown = PathBuf::from(shown_url(url));
        let busy = link::Busy::default();
        let (client, watch) =
            connect(url, watched.then(|| busy.clone())).map_err(|source| StoreError::Open {
                path: shown.clone(),
                source,
            })?;
        let name = format!(
            "pg-{:016x}",
            xxhash_rust::xxh3::xxh3_64(shown.to_string_lossy().as_bytes())
        );
        let mut store = PgStore {
            _watch: watch,
            conn: conn::Conn::new(client, busy),
            prepared: prepared::Prepared::default(),
            field_names: RefCell::new(None),
            url: url.to_string(),
            journal: journal_dir.join(&name),
            journal_by_url: journal_dir.join(&name),
            shown,
        };
        server_probes_the_link(&mut store.conn.borrow_mut());
        schema::migrate(&store)?;
        if let Some(id) = schema::store_id(&mut *store.conn.borrow_mut())? {
            store.journal = journal_dir.join(format!("pg-{}", safe_name(&id)));
        }
        Ok(store)
    }

    /// The URL without its password.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// The schema version the database holds.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(schema::version(&mut *self.conn.borrow_mut())?.unwrap_or(0))
    }

    /// A second session on the same database.
    pub fn reconnect(&self) -> Result<PgStore, StoreError> {
        let (url, dir) = self.reopening();
        PgStore::open(&url, &dir)
    }

    /// A second session that waits for others' notifications, its silence not watched.
    pub(crate) fn reconnect_listening(&self) -> Result<PgStore, StoreError> {
        let (url, dir) = self.reopening();
        PgStore::open_as(&url, &dir, false)
    }

    /// What [`PgStore::open`] takes to open this database again: its URL and journal folder.
    pub(crate) fn reopening(&self) -> (String, PathBuf) {
        let dir = self.journal.parent().unwrap_or(Path::new("."));
        (self.url.clone(), dir.to_path_buf())
    }

    pub(crate) fn journal_path(&self) -> &Path {
        &self.journal
    }

    /// Every name this store's journal files may have been written under (its identity's, and
    /// the URL's of an older okk), without repeats.
    pub(crate) fn journal_names(&self) -> Vec<&Path> {
        let mut names = vec![self.journal.as_path()];
        if self.journal_by_url != self.journal {
            names.push(&self.journal_by_url);
        }
        names
    }
}

/// A session on the server `url` names, its handshake (TCP, TLS, startup, authentication) given
/// up at the connect deadline (`connect_timeout` in the URL, else [`CONNECT_TIMEOUT`]);
/// `watched`: its statements (under way while `busy` says so) then have a deadline on silence
/// (`link`), the server asked whether it is alive by a session made the same way.
fn connect(url: &str, watched: Option<link::Busy>) -> Result<(Client, link::Watch), BoxError> {
    let (url_rest, root_file) = split_root_cert(url);
    let mut config = postgres::Config::from_str(&url_rest)?;
    if config.get_application_name().is_none() {
        config.application_name("okk");
    }
    on_a_dead_link(&mut config, &url_rest);
    let deadline = config.get_connect_timeout().copied();
    let ports = match config.get_ports() {
        [] => vec![5432],
        ports => ports.to_vec(),
    };
    // TLS when the URL asks for it, the server's certificate checked against the public
    // roots and `sslrootcert`. `prefer` (the default) stays plain: libpq would try TLS
    // without checking the certificate, which protects from nothing.
    let tls = match config.get_ssl_mode() == postgres::config::SslMode::Require {
        true => Some(tls(root_file.as_deref())?),
        false => None,
    };
    let watch = watched.map(|busy| {
        let url = url.to_string();
        let probe: link::Probe = std::sync::Arc::new(move || connect(&url, None).is_ok());
        (link::silence(), busy, probe)
    });
    let made = link::connect(
        &ports,
        deadline.unwrap_or(CONNECT_TIMEOUT),
        watch,
        || match tls {
            Some(tls) => config.connect(tls),
            None => config.connect(NoTls),
        },
    );
    match made {
        link::Connected::Made(client, watch) => Ok((client, watch)),
        link::Connected::Failed(e) => Err(with_causes(&e).into()),
        // The driver's words for its own deadline on the socket's connect, which this one
        // carries over the whole handshake: said, and hinted at, alike (`text::store`).
        link::Connected::TimedOut => Err("error connecting to server: connection timed out".into()),
    }
}

/// `id` as it may stand in a file name: what is not a letter, digit or dash dropped (the server
/// is not trusted to hold what migration 17 wrote).
fn safe_name(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(64)
        .collect()
}

/// The client's own bounds on a link that dies (a laptop's Wi-Fi or VPN): a connect that gets
/// no answer gives up, an idle connection is probed, and bytes the server never acknowledges
/// close it, instead of the system's defaults (no connect limit, two hours, a quarter of an
/// hour). A value the URL gives is kept. A server that takes the bytes and never answers is
/// none of these: the reviewer's deadline on its writer's reply is (tui::run).
fn on_a_dead_link(config: &mut postgres::Config, url: &str) {
    let given = |key: &str| url.contains(&format!("{key}="));
    // A host that drops the packets (down, or a firewall) would hold the command for the
    // system's TCP timeout, two minutes and more: okk gives up sooner and says what to check.
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if !given("keepalives_idle") {
        config.keepalives_idle(std::time::Duration::from_secs(30));
    }
    if !given("keepalives_interval") {
        config.keepalives_interval(std::time::Duration::from_secs(10));
    }
    if !given("keepalives_retries") {
        config.keepalives_retries(3);
    }
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(std::time::Duration::from_secs(60));
    }
}

/// The server's own bounds on a client that vanished mid-session (a laptop shut, its Wi-Fi gone
/// during a sync): the server probes an idle link after 30 s and ends the session after three
/// unanswered probes, or after a minute of bytes it sent and the client never acknowledged — and
/// with the session the sync lock and claims it held — instead of the server system's two hours.
/// What the URL sets is not touched here (it is the client's side, [`on_a_dead_link`]).
/// Best effort, one round trip: a server whose system lacks an option refuses it, and the
/// keepalives are then set without it; on a Unix socket the server ignores them all.
fn server_probes_the_link(client: &mut Client) {
    const KEEPALIVES: &str = "SELECT set_config('tcp_keepalives_idle', '30', false),
        set_config('tcp_keepalives_interval', '10', false),
        set_config('tcp_keepalives_count', '3', false)";
    let all = format!("{KEEPALIVES}, set_config('tcp_user_timeout', '60000', false)");
    if client.batch_execute(&all).is_err() {
        let _ = client.batch_execute(KEEPALIVES);
    }
}

/// A read-only transaction on one snapshot of the server (repeatable read): a long read (an
/// export, a copy to a file) sees the server as it was at one moment, whatever lands meanwhile.
fn snapshot(conn: &mut postgres::Client) -> Result<postgres::Transaction<'_>, postgres::Error> {
    conn.build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
}

/// An error with the causes under it ("error performing TLS handshake: invalid peer
/// certificate: UnknownIssuer"): the first line alone does not say what to fix.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(&format!(": {c}"));
        cause = c.source();
    }
    out
}

/// `url` without its `sslrootcert=FILE` parameter (the client crate knows no such option), and
/// that file.
fn split_root_cert(url: &str) -> (String, Option<PathBuf>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_string(), None);
    };
    let mut root = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| match p.strip_prefix("sslrootcert=") {
            Some(file) => {
                root = Some(PathBuf::from(file));
                false
            }
            None => true,
        })
        .collect();
    if kept.is_empty() {
        (base.to_string(), root)
    } else {
        (format!("{base}?{}", kept.join("&")), root)
    }
}

/// rustls on the `ring` provider (the TLS stack ureq already uses), trusting the public roots
/// and the certificates in `root_file`.
fn tls(
    root_file: Option<&Path>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, crate::domain::store_error::BoxError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(file) = root_file {
        for cert in
            CertificateDer::pem_file_iter(file).map_err(|e| format!("{}: {e}", file.display()))?
        {
            roots.add(cert.map_err(|e| format!("{}: {e}", file.display()))?)?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// `url` with its password replaced by `***` (whatever the URL's shape, nothing after a
/// `:` in the user part is shown).
pub fn shown_url(url: &str) -> String {
    let (url, query) = url
        .split_once('?')
        .map_or((url, None), |(u, q)| (u, Some(q)));
    let query = query
        .map(|q| {
            q.split('&')
                .filter(|p| !p.starts_with("password="))
                .collect::<Vec<_>>()
                .join("&")
        })
        .filter(|q| !q.is_empty())
        .map_or(String::new(), |q| format!("?{q}"));
    let Some((scheme, rest)) = url.split_once("://") else {
        return format!("{url}{query}");
    };
    match rest.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{scheme}://{user}@{host}{query}")
        }
        None => format!("{url}{query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session over TCP asks the server to probe its link and give it up within about a
    /// minute (a sync's lock must not outlive a laptop shut mid-sync by two hours). Needs
    /// `OKK_TEST_PG` (a TCP address; skipped without it, outside CI).
    #[test]
    fn the_server_gives_up_a_vanished_client_within_a_minute() {
        let Some(server) = std::env::var("OKK_TEST_PG").ok().filter(|s| !s.is_empty()) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs the server's tests: OKK_TEST_PG must name a PostgreSQL server"
            );
            eprintln!("skipped: OKK_TEST_PG is not set");
            return;
        };
        let name = format!("okk_link_{}", uuid::Uuid::new_v4().simple());
        let mut admin = postgres::Client::connect(&server, NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .unwrap();
        let (base, _) = server.rsplit_once('/').unwrap();
        let dir = tempfile::tempdir().unwrap();
        let shown = {
            let store = PgStore::open(&format!("{base}/{name}"), dir.path()).unwrap();
            let mut conn = store.conn.borrow_mut();
            let row = conn
                .query_one(
                    "SELECT current_setting('tcp_keepalives_idle'),
                        current_setting('tcp_keepalives_interval'),
                        current_setting('tcp_keepalives_count'),
                        current_setting('tcp_user_timeout')",
                    &[],
                )
                .unwrap();
            (0..4).map(|i| row.get::<_, String>(i)).collect::<Vec<_>>()
        };
        let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        assert_eq!(shown, ["30", "10", "3", "60000"]);
    }

    #[test]
    fn a_shown_url_never_holds_the_password() {
        assert_eq!(
            shown_url("postgres://okk:s3cret@db.local:5432/okk"),
            "postgres://okk@db.local:5432/okk"
        );
        assert_eq!(
            shown_url("postgresql://db.local/okk"),
            "postgresql://db.local/okk"
        );
        assert_eq!(
            shown_url("postgres://db.local/okk?user=okk&password=s3cret&sslmode=require"),
            "postgres://db.local/okk?user=okk&sslmode=require"
        );
        assert!(is_url("postgres://x/y") && is_url("postgresql://x") && !is_url("okk.db"));
    }

    #[test]
    fn sslrootcert_is_taken_out_of_the_url_and_the_rest_kept() {
        assert_eq!(
            split_root_cert("postgres://h/db?sslmode=require&sslrootcert=/etc/ca.pem"),
            (
                "postgres://h/db?sslmode=require".to_string(),
                Some(PathBuf::from("/etc/ca.pem"))
            )
        );
        assert_eq!(
            split_root_cert("postgres://h/db?sslrootcert=ca.pem"),
            ("postgres://h/db".to_string(), Some(PathBuf::from("ca.pem")))
        );
        assert_eq!(
            split_root_cert("postgres://h/db"),
            ("postgres://h/db".to_string(), None)
        );
    }
}
