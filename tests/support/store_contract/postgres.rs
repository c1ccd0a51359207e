//! The PostgreSQL backend as the store contract sets it up: each story in a database of its
//! own on the throwaway server `OKK_TEST_PG` names, holding a SQLite store made as the SQLite
//! factory makes it and copied in by `PgStore::copy_from_sqlite` (what `okk db copy` runs).
//! Without `OKK_TEST_PG` the stories say they were skipped; under CI a skip is a failure.

use okk::domain::ports::{DeskStore, PruneStore, StoreError};
use okk::store::Store;
use okk::store::pg::PgStore;

use super::sqlite::{Sqlite, SqliteDb};
use super::{Backend, CrmNote, Seed};

pub struct Postgres {
    server: Option<String>,
}

/// One story's database, dropped with it.
pub struct PgDb {
    /// The SQLite store it was copied from (its folder keeps the pending journal), and what
    /// judges the cards again.
    seed: SqliteDb,
    url: String,
    server: String,
    name: String,
}

impl Postgres {
    pub fn from_env() -> Postgres {
        Postgres {
            server: std::env::var("OKK_TEST_PG").ok().filter(|u| !u.is_empty()),
        }
    }

    fn server(&self) -> &str {
        self.server.as_deref().expect("checked by available()")
    }

    /// The story's server store, opened as a new process would.
    fn store(&self, db: &PgDb) -> PgStore {
        PgStore::open(&db.url, db.seed.desk.dir.path()).expect("the story's server store")
    }
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let (scheme, rest) = base.split_once("://").expect("a postgres:// URL");
    let host = rest.split_once('/').map_or(rest, |(h, _)| h);
    match query {
        Some(q) => format!("{scheme}://{host}/{db}?{q}"),
        None => format!("{scheme}://{host}/{db}"),
    }
}

impl Backend for Postgres {
    type Handle = PgDb;

    fn available(&self) -> bool {
        if self.server.is_some() {
            return true;
        }
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs the store contract on PostgreSQL: OKK_TEST_PG must name a server"
        );
        eprintln!("skipped: OKK_TEST_PG is not set (a PostgreSQL server for the store contract)");
        false
    }

    fn seeded(&self, cards: &[Seed]) -> PgDb {
        let seed = Sqlite.seeded(cards);
        let name = format!("okk_contract_{}", uuid::Uuid::new_v4().simple());
        let mut admin =
            postgres::Client::connect(self.server(), postgres::NoTls).expect("OKK_TEST_PG answers");
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .expect("a database for the story");
        let url = with_database(self.server(), &name);
        let mut store = PgStore::open(&url, seed.desk.dir.path()).expect("a new server store");
        store
            .copy_from_sqlite(&Store::open(&seed.desk.db).unwrap())
            .expect("the seeded store copies in");
        PgDb {
            seed,
            url,
            server: self.server().to_string(),
            name,
        }
    }

    fn import(&self, db: &PgDb, source: Option<&str>, cards: &[Seed]) {
        let desk = &db.seed.desk;
        crate::common::succeeded(
            desk.okk_bare()
                .args(["--db", &db.url, "--funnel"])
                .arg(crate::common::funnel_path())
                .args(db.seed.import_args(source, cards)),
        );
        db.seed.remember(source, cards);
        let mut store = self.store(db);
        store.rerun_rules("contract", &db.seed.judge()).unwrap();
    }

    fn deleted_in_crm(&self, db: &PgDb, source: &str, ids: &[&str]) {
        super::sqlite::deleted_in_crm(&mut self.store(db), source, ids);
    }

    fn notes_in_crm(&self, db: &PgDb, source: &str, deal: &str, notes: &[CrmNote]) {
        super::sqlite::notes_in_crm(&mut self.store(db), source, deal, notes);
    }

    fn stages_in_crm(&self, db: &PgDb, source: &str, stages: &[okk::domain::crm_stage::CrmStage]) {
        super::sqlite::stages_in_crm(&mut self.store(db), source, stages);
    }

    fn open(&self, db: &PgDb) -> Result<Box<dyn DeskStore>, StoreError> {
        Ok(Box::new(PgStore::open(&db.url, db.seed.desk.dir.path())?))
    }

    fn open_prune(&self, db: &PgDb) -> Result<Box<dyn PruneStore>, StoreError> {
        Ok(Box::new(self.store(db)))
    }

    fn make_newer(&self, db: &PgDb) {
        let mut conn = postgres::Client::connect(&db.url, postgres::NoTls).unwrap();
        let newer = (okk::store::pg::schema::latest() + 1).to_string();
        conn.execute(
            "UPDATE okk_meta SET value = $1 WHERE key = 'schema_version'",
            &[&newer],
        )
        .unwrap();
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
