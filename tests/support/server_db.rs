//! A database of a test's own on the throwaway PostgreSQL server `OKK_TEST_PG` names, dropped
//! after the test (with the login roles the test made); without `OKK_TEST_PG` the test says it
//! skipped (under CI that is a failure).
#![allow(dead_code)]

pub struct ServerDb {
    server: String,
    name: String,
    /// What `--db` takes to reach it.
    pub url: String,
    /// Login roles a test made (the cluster's, not the database's): dropped after it.
    logins: Vec<String>,
}

impl ServerDb {
    pub fn new() -> Option<ServerDb> {
        ServerDb::created("")
    }

    /// A database whose text sorts as English does (ICU's `en-US`: `anna` before `Vera`), as
    /// a server's usually does, rather than byte by byte as SQLite's: what okk orders must not
    /// depend on it.
    pub fn sorting_as_english() -> Option<ServerDb> {
        ServerDb::created("LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
    }

    /// `CREATE DATABASE … TEMPLATE template0 OPTIONS`.
    fn created(options: &str) -> Option<ServerDb> {
        let Some(server) = std::env::var("OKK_TEST_PG").ok().filter(|s| !s.is_empty()) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs the team server's tests: OKK_TEST_PG must name a PostgreSQL server"
            );
            eprintln!("skipped: OKK_TEST_PG is not set (a PostgreSQL server for these tests)");
            return None;
        };
        let name = format!("okk_cli_{}", uuid::Uuid::new_v4().simple());
        let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 {options}"
            ))
            .unwrap();
        let (base, _) = server.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Some(ServerDb {
            server,
            name,
            url,
            logins: Vec::new(),
        })
    }

    /// A login role of this test's own (`anna` becomes `anna_<db>`), dropped after it, and
    /// the URL that connects as it.
    pub fn login(&mut self, who: &str) -> (String, String) {
        let login = format!("{who}_{}", &self.name[8..]);
        self.logins.push(login.clone());
        let (scheme, rest) = self.url.split_once("://").unwrap();
        let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        (login.clone(), format!("{scheme}://{login}@{host}"))
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
            for login in &self.logins {
                let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS \"{login}\""));
            }
        }
    }
}
