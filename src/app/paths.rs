//! Where the store and the funnel config live, and loading them with user-facing errors.

use std::path::{Path, PathBuf};

use color_eyre::Result;

use super::user;
use crate::domain::Funnel;
use crate::domain::ports::ReviewStore;
use crate::store::pg::PgStore;
use crate::store::{Store, StoreError};
use crate::text::app as msg;

pub struct Paths {
    pub db: PathBuf,
    pub funnel: PathBuf,
    pub config: PathBuf,
    /// `--today`: the day cards are judged against (see [`super::audit::today`]).
    pub today: Option<chrono::NaiveDate>,
    /// The funnel path was the default one (so it may be written on first use).
    funnel_is_default: bool,
    /// Where the default funnel config is written on first use (`None` without a home dir).
    default_funnel: Option<PathBuf>,
    /// The config path was named (`--config`): commands okk suggests name it too.
    config_given: bool,
}

/// `host=… port=… dbname=…`: libpq's keyword form, which okk does not read (it would be taken
/// for a file's name, and its password printed back in "no store here").
fn looks_like_conninfo(db: &str) -> bool {
    !crate::store::pg::is_url(db)
        && db.split_whitespace().any(|w| {
            w.split_once('=').is_some_and(|(k, _)| {
                matches!(
                    k,
                    "host" | "hostaddr" | "port" | "dbname" | "user" | "password" | "sslmode"
                )
            })
        })
}

/// The keyword form with its password's value hidden.
fn redact_conninfo(conninfo: &str) -> String {
    conninfo
        .split_whitespace()
        .map(|w| match w.split_once('=') {
            Some(("password", _)) => "password=***".to_string(),
            _ => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Paths {
    pub fn resolve(
        db: Option<PathBuf>,
        funnel: Option<PathBuf>,
        config: Option<PathBuf>,
        today: Option<chrono::NaiveDate>,
    ) -> Result<Paths> {
        let dirs = || {
            directories::ProjectDirs::from("", "", "okk").ok_or_else(|| user(msg::no_home_dir()))
        };
        let db = match db {
            Some(p) => p,
            None => dirs()?.data_dir().join("okk.db"),
        };
        if let Some(conninfo) = db.to_str().filter(|d| looks_like_conninfo(d)) {
            return Err(user(msg::conninfo_not_url(&redact_conninfo(conninfo))));
        }
        if let Some(url) = db.to_str().filter(|d| crate::store::pg::is_url(d)) {
            // `postgres://okk:pa@ss@host/db`: the driver would look up the host `ss@host`.
            let authority = url
                .split_once("://")
                .map_or("", |(_, rest)| rest.split(['/', '?']).next().unwrap_or(""));
            if authority.matches('@').count() > 1 {
                return Err(user(msg::url_password_at(&crate::store::pg::shown_url(
                    url,
                ))));
            }
        }
        let default_funnel = dirs().ok().map(|d| d.config_dir().join("funnel.toml"));
        let (funnel, funnel_is_default) = match (funnel, &default_funnel) {
            (Some(p), _) => (p, false),
            (None, Some(default)) => (default.clone(), true),
            (None, None) => return Err(user(msg::no_home_dir())),
        };
        let config_given = config.is_some();
        let config = match config {
            Some(p) => p,
            None => dirs()?.config_dir().join("config.toml"),
        };
        Ok(Paths {
            db,
            funnel,
            config,
            today,
            funnel_is_default,
            default_funnel,
            config_given,
        })
    }

    /// The config file as `--config` named it, `None` when it is the default one.
    pub fn config_given(&self) -> Option<&Path> {
        self.config_given.then_some(self.config.as_path())
    }

    /// The SQLite store. A `--db` naming a PostgreSQL server is refused here, with the
    /// commands that do run on one: every command that has not learnt the server comes here.
    pub fn open_store(&self) -> Result<Store> {
        if let Some(url) = self.server() {
            return Err(user(msg::not_on_server(&PathBuf::from(
                crate::store::pg::shown_url(url),
            ))));
        }
        open_store(&self.db)
    }

    /// [`Paths::open_store`] for a command that writes the store as it goes (an import, a
    /// sync): a store okk may not write is refused at once, naming it, rather than at the first
    /// write.
    pub fn open_store_to_write(&self) -> Result<Store> {
        let store = self.open_store()?;
        if store.is_read_only() {
            let refused = StoreError::ReadOnly {
                path: Some(self.db.clone()),
                why: crate::store::ReadOnlyWhy::Write,
            };
            return Err(user(refused.to_string()));
        }
        Ok(store)
    }

    /// [`Paths::open_store`] for a command that reads what is there: a store file that does not
    /// exist yet (a mistyped `--db`, nothing imported) is said so, not made empty and read as
    /// one ("0 flagged cards" about a store that never was).
    pub fn open_existing_store(&self) -> Result<Store> {
        if self.server().is_none() && !self.db.exists() {
            return Err(user(msg::no_store_yet(&self.db)));
        }
        self.open_store()
    }

    /// `--funnel` named the funnel file (it was not the default path).
    /// Where okk writes the built-in funnel as a file when no funnel is named.
    pub fn default_funnel(&self) -> Option<&Path> {
        self.default_funnel.as_deref()
    }

    pub fn funnel_given(&self) -> bool {
        !self.funnel_is_default
    }

    /// Whether `okk funnel init --from-store` has cards to read here: a store file that exists
    /// and holds some (opened only then, so no store is made by asking); a server is taken to.
    fn store_has_cards(&self) -> bool {
        if self.server().is_some() {
            return true;
        }
        self.db.is_file()
            && open_store(&self.db)
                .ok()
                .and_then(|s| s.has_cards().ok())
                .unwrap_or(false)
    }

    /// The PostgreSQL server `--db` (or `OKK_DB`) names, if it names one.
    pub fn server(&self) -> Option<&str> {
        self.db.to_str().filter(|d| crate::store::pg::is_url(d))
    }

    /// The team server's store, its pending verdicts kept in this machine's data folder.
    pub fn open_server(&self, url: &str) -> Result<PgStore> {
        let dirs = directories::ProjectDirs::from("", "", "okk")
            .ok_or_else(|| user(msg::no_home_dir()))?;
        let mut store = PgStore::open(url, &dirs.data_dir().join("pending"))
            .map_err(|e| user(e.to_string()))?;
        replay_pending(&mut store);
        Ok(store)
    }

    /// The moment a server store's cards are judged against: `--today`, else now.
    pub fn server_today(&self) -> chrono::NaiveDateTime {
        match self.today {
            Some(day) => day.and_hms_opt(12, 0, 0).unwrap_or_default(),
            None => chrono::Local::now().naive_local(),
        }
    }

    /// The moment `store`'s cards are judged against (see [`super::audit::today`]).
    pub fn today(&self, store: &Store) -> Result<chrono::NaiveDateTime> {
        super::audit::today(store, self.today)
    }

    /// Loads the funnel config, first writing the built-in default to the default path if
    /// nothing is there yet (an existing file is never overwritten).
    pub fn load_funnel(&self) -> Result<Funnel> {
        Ok(self.load_funnel_with_fingerprint()?.0)
    }

    /// The funnel and a digest of its text: when the text changes, the rules run again.
    pub fn load_funnel_with_fingerprint(&self) -> Result<(Funnel, String)> {
        self.load_funnel_for(false)
    }

    /// [`Paths::load_funnel_with_fingerprint`] for a command that may be a dry run, which
    /// writes nothing (see [`Paths::local_funnel_for`]). A store file with an applied funnel
    /// judges by it, as a server does ([`super::stored_funnel::on_file`]).
    pub fn load_funnel_for(&self, dry_run: bool) -> Result<(Funnel, String)> {
        if let Some(applied) = super::stored_funnel::on_file(self)? {
            return Ok(applied);
        }
        self.local_funnel_for(dry_run)
    }

    /// The local funnel file (`--funnel`, else the default one), whatever the store applied:
    /// a bare `okk funnel check`, a file being made ready for `okk funnel apply`. Where the
    /// default path holds no funnel yet, a dry run takes the built-in default from memory and
    /// says that a real run would write it there.
    pub fn local_funnel_for(&self, dry_run: bool) -> Result<(Funnel, String)> {
        if self.funnel_is_default && !self.funnel.exists() {
            if dry_run {
                super::warn(msg::would_write_default_funnel(&self.funnel));
                let text = crate::funnel_config::DEFAULT_FUNNEL;
                let funnel = crate::funnel_config::load_str(text, &self.funnel)
                    .map_err(|e| user(e.to_string()))?;
                return Ok((funnel, loaded(text.as_bytes())));
            }
            write_default_funnel(&self.funnel)?;
            super::warn(msg::wrote_default_funnel(&self.funnel));
        }
        // A path named (--funnel, OKK_FUNNEL) where no file is: said with how to make one, not
        // as an unreadable file.
        if !self.funnel_is_default && !self.funnel.exists() {
            // Only the ways that work here: the store's stages when it has cards, the
            // default file when one is there.
            let default = self.default_funnel.as_deref().filter(|d| d.is_file());
            return Err(user(msg::no_funnel_file(
                &self.funnel,
                self.store_has_cards(),
                default,
            )));
        }
        let funnel = crate::funnel_config::load(&self.funnel).map_err(|e| user(e.to_string()))?;
        let text = std::fs::read(&self.funnel).unwrap_or_default();
        Ok((funnel, loaded(&text)))
    }
}

pub fn open_store(path: &Path) -> Result<Store> {
    let mut store = Store::open_telling(path, |from, to| {
        super::warn(msg::upgrading_store(path, from, to))
    })
    .map_err(|e| match e {
        StoreError::Backend { busy: false, .. } => color_eyre::Report::new(e),
        other => user(other.to_string()),
    })?;
    replay_pending(&mut store);
    Ok(store)
}

/// Verdicts a reviewer killed while the store was busy left in the pending journal go in
/// before anything reads the store. Best effort: a verdict that cannot go in yet stays in its
/// file for the next okk, and the command goes on.
fn replay_pending(store: &mut dyn ReviewStore) {
    match store.replay_pending() {
        Ok(r) => {
            if r.saved > 0 {
                super::warn(msg::pending_saved(r.saved));
            }
            // Judged on what the card said then: a sync or an import changed it since.
            let changed: Vec<&str> = (r.saved_cards.iter())
                .filter(|s| {
                    store
                        .card_detail(s.card)
                        .ok()
                        .flatten()
                        .is_some_and(|d| d.hash != s.hash)
                })
                .map(|s| s.external_id.as_str())
                .collect();
            if !changed.is_empty() {
                super::warn(msg::pending_saved_changed(&changed));
            }
            // Its auditor's claim ran out while it waited, and another took the card and judged
            // it (tester43 F5): both stand, and neither auditor would know.
            for s in &r.saved_cards {
                let others: Vec<String> = (store.others_reviews(s.card, &s.auditor))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|o| o.holds())
                    .map(|o| o.auditor)
                    .collect();
                if !others.is_empty() {
                    super::warn(msg::pending_saved_beside(&s.external_id, &others));
                }
            }
            for file in &r.unreadable {
                super::warn(msg::pending_unreadable(file));
            }
            for torn in &r.torn {
                super::warn(msg::pending_torn(torn));
            }
        }
        Err(e) => super::warn(msg::pending_failed(&e.to_string())),
    }
}

fn write_default_funnel(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => return Err(user(msg::cannot_write(path, &e))),
    };
    std::io::Write::write_all(&mut f, crate::funnel_config::DEFAULT_FUNNEL.as_bytes())?;
    Ok(())
}

/// The text of the funnel loaded last, by its fingerprint: the rules run records a new funnel
/// version with it (`funnel_versions::note`) without every command handing the text along.
static LOADED: std::sync::Mutex<Option<(String, String)>> = std::sync::Mutex::new(None);

/// The fingerprint of the funnel text just loaded, its text remembered.
fn loaded(text: &[u8]) -> String {
    let fp = fingerprint(text);
    remember_text(&fp, text);
    fp
}

pub(super) fn remember_text(fingerprint: &str, text: &[u8]) {
    if let Ok(mut slot) = LOADED.lock() {
        *slot = Some((
            fingerprint.to_string(),
            String::from_utf8_lossy(text).into_owned(),
        ));
    }
}

/// The text of the funnel with this fingerprint, if it is the one loaded last.
pub fn loaded_text(fingerprint: &str) -> Option<String> {
    let slot = LOADED.lock().ok()?;
    slot.as_ref()
        .filter(|(fp, _)| fp == fingerprint)
        .map(|(_, t)| t.clone())
}

pub fn fingerprint(funnel_text: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(funnel_text))
}

/// The outermost folder on the way to `db` that does not exist yet: opening a store there makes
/// it (and the ones inside it), which [`remove_made_folders`] takes away again.
pub fn missing_folder(db: &Path) -> Option<PathBuf> {
    let mut missing = None;
    let mut dir = db.parent();
    while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        missing = Some(d.to_path_buf());
        dir = d.parent();
    }
    missing
}

/// Removes the folders a store made on the way to `db`, from its own up to `outermost` (from
/// [`missing_folder`]), each only if it is empty: a first dry run leaves no data folder behind.
pub fn remove_made_folders(db: &Path, outermost: &Path) {
    let mut dir = db.parent();
    while let Some(d) = dir {
        if std::fs::remove_dir(d).is_err() || d == outermost {
            break;
        }
        dir = d.parent();
    }
}

/// Removes a store file with its WAL, shared-memory and journal files (each may be absent): a
/// store a command made and got nothing into, or a copy that failed midway.
pub fn remove_store(db: &Path) {
    for suffix in ["-wal", "-shm", "-journal", ""] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let _ = std::fs::remove_file(path);
    }
}
