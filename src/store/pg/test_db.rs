//! A database of a test's own on `OKK_TEST_PG`'s server, dropped after it (the module's unit
//! tests that need a server).

/// A database of the test's own, dropped with it.
pub(super) struct Db {
    server: String,
    name: String,
    pub url: String,
}

impl Db {
    /// `None` (the test skips) without a server, except under CI, which always has one.
    pub fn new(prefix: &str) -> Option<Db> {
        let Some(server) = std::env::var("OKK_TEST_PG").ok().filter(|s| !s.is_empty()) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs the server's migrations: OKK_TEST_PG must name a PostgreSQL server"
            );
            eprintln!("skipped: OKK_TEST_PG is not set (a PostgreSQL server)");
            return None;
        };
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .unwrap();
        let (base, _) = server.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Some(Db { server, name, url })
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).unwrap()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

// The module is the unit tests' alone; the mark says so to the layers check too (a unit test
// may reach past the store, as this import does).
#[cfg(test)]
/// Imports `tests/fixtures/import/FILE` into `store` as of 20.11.2026, judged by the built-in
/// funnel (the unit tests' one day).
pub(super) fn import_fixture(store: &mut super::PgStore, file: &str) {
    let opts = crate::sync::ImportOptions {
        now: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap(),
        ..Default::default()
    };
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(file);
    let funnel = crate::funnel_config::default_funnel();
    crate::sync::import_file(store, &funnel, &fixture, &opts).unwrap();
}
