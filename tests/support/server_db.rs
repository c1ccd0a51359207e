//! A database of a test's own on the throwaway PostgreSQL server `OKK_TEST_PG` names, dropped
//! after the test; without `OKK_TEST_PG` the test says it skipped (under CI that is a failure).
//! tests/team_server.rs keeps a fuller one (login roles, a collation).

pub struct ServerDb {
    server: String,
    name: String,
    /// What `--db` takes to reach it.
    pub url: String,
}

impl ServerDb {
    pub fn new() -> Option<ServerDb> {
        let Some(server) = std::env::var("OKK_TEST_PG").ok().filter(|s| !s.is_empty()) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs the team server's tests: OKK_TEST_PG must name a PostgreSQL server"
            );
            eprintln!("skipped: OKK_TEST_PG is not set (a PostgreSQL server for these tests)");
            return None;
        };
        let name = format!("okk_est_{}", uuid::Uuid::new_v4().simple());
        let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .unwrap();
        let (base, _) = server.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Some(ServerDb { server, name, url })
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
