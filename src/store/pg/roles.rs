//! Who may do what on a server store: okk users mapped to PostgreSQL login roles granted
//! `okk_auditor` or `okk_lead` (`okk db roles`), and the funnel the store's lead applied.
//! The row-level policies these grants meet are migration 2's (`pg::schema`).

use postgres::GenericClient;
use postgres::error::SqlState;

use super::PgStore;
use crate::domain::funnel_diff::FunnelVersion;
use crate::domain::ports::{StoreResult, UserStore};
use crate::domain::roles::{Role, Session, User};
use crate::store::StoreError;

/// What the two group roles may do beyond reading: an auditor writes reviews, drafts and
/// leases (the policies keep each to its own name) and locks the cards it claims; a lead also
/// decides, applies the funnel, draws calibrations, imports, syncs and prunes (`pg::import`,
/// `pg::sync`, `pg::prune`: the deletes, the drafted cards' ids the drafts' policy hides, and
/// `--with-work`'s release of the desk work), and calls the owner's functions an import and a
/// rules run call, which schema 21 took from everyone else.
/// Run again after every migration, so a table a later okk adds is granted too, and a role
/// made before a migration gets what it grants.
const GRANTS: &str = "
GRANT SELECT ON ALL TABLES IN SCHEMA public TO okk_auditor, okk_lead;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO okk_auditor, okk_lead;
GRANT INSERT, UPDATE ON reviews TO okk_auditor, okk_lead;
GRANT INSERT, UPDATE, DELETE ON drafts, leases TO okk_auditor, okk_lead;
GRANT UPDATE (id) ON cards TO okk_auditor, okk_lead;
GRANT INSERT, UPDATE ON lead_decisions TO okk_lead;
GRANT INSERT ON funnel_versions, funnel_applied, calibrations, calibration_cards TO okk_lead;
GRANT UPDATE ON calibrations TO okk_lead;
GRANT INSERT, UPDATE ON trusted_keys TO okk_lead;
GRANT INSERT, UPDATE, DELETE ON cards, import_batches TO okk_lead;
GRANT INSERT, DELETE ON stage_history, source_columns TO okk_lead;
GRANT INSERT ON field_names TO okk_lead;
GRANT INSERT, UPDATE, DELETE ON flags, standings TO okk_lead;
GRANT INSERT, UPDATE, DELETE ON crm_sync, crm_notes_read TO okk_lead;
GRANT INSERT, UPDATE, DELETE ON crm_notes, crm_sweep, crm_swept, crm_stages TO okk_lead;
GRANT UPDATE (seen_at) ON stage_history TO okk_lead;
GRANT EXECUTE ON FUNCTION okk_drafted_cards() TO okk_lead;
GRANT EXECUTE ON FUNCTION okk_attach_reviews(), okk_mark_rules_run(text) TO okk_lead;
GRANT EXECUTE ON FUNCTION okk_release_work(bigint[], boolean) TO okk_lead;
";

/// A role name as SQL (roles are identifiers; bound parameters cannot name them).
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Whether the cluster has this role.
fn role_exists(tx: &mut impl GenericClient, name: &str) -> Result<bool, postgres::Error> {
    Ok(tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&name],
        )?
        .get(0))
}

/// The group roles' rights on the tables there are now, when the groups exist.
pub(super) fn regrant(tx: &mut impl GenericClient) -> Result<(), postgres::Error> {
    if role_exists(tx, "okk_auditor")? && role_exists(tx, "okk_lead")? {
        tx.batch_execute(GRANTS)?;
    }
    Ok(())
}

impl UserStore for PgStore {
    fn session(&self) -> StoreResult<Session> {
        let r = self.conn.borrow_mut().query_one(
            "SELECT session_user::text, u.name, u.role,
                    pg_has_role(session_user,
                        (SELECT relowner FROM pg_class WHERE oid = 'okk_meta'::regclass), 'MEMBER')
             FROM (SELECT 1) one LEFT JOIN okk_users u ON u.login = session_user",
            &[],
        )?;
        let name: Option<String> = r.get(1);
        let role: Option<String> = r.get(2);
        Ok(Session {
            login: Some(r.get(0)),
            mapped: name.zip(role.as_deref().and_then(Role::from_name)),
            owner: r.get(3),
        })
    }

    fn users(&self) -> StoreResult<Vec<User>> {
        Ok(self
            .conn
            .borrow_mut()
            .query(
                "SELECT name, role, login, assigned FROM okk_users ORDER BY name",
                &[],
            )?
            .iter()
            .map(|r| User {
                name: r.get(0),
                role: Role::from_name(r.get(1)).unwrap_or(Role::Auditor),
                login: r.get(2),
                assigned: r.get(3),
            })
            .collect())
    }

    fn reviewers(&self) -> StoreResult<Vec<String>> {
        Ok(self
            .conn
            .borrow_mut()
            .query(
                "SELECT name FROM okk_users UNION SELECT auditor FROM reviews ORDER BY 1",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn register_user(&mut self, user: &User) -> StoreResult<()> {
        self.conn.borrow_mut().execute(
            "INSERT INTO okk_users (name, role) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            &[&user.name, &user.role.as_str()],
        )?;
        Ok(())
    }

    /// Creates the group roles and each login role the cluster lacks (a login without a
    /// password: the admin sets one with psql's `\password`), grants each login its group
    /// (and not the other), and records the users, in one transaction.
    fn assign_users(&mut self, users: &[User]) -> StoreResult<()> {
        // The roles are the cluster's: another database's `okk db roles` creating the same
        // group at the same moment makes this one's statement fail ("already exists", or a
        // catalog row updated under it). The transaction is whole or nothing: tried again.
        let mut tries = 0;
        loop {
            match self.assign_users_once(users) {
                Err(StoreError::Backend { source, .. })
                    if tries < 4 && role_race(source.as_ref()) =>
                {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50 * tries));
                }
                other => return other,
            }
        }
    }
}

/// A role statement that lost to another session's on the cluster's catalogs.
fn role_race(e: &(dyn std::error::Error + 'static)) -> bool {
    let pg = std::error::Error::source(e).and_then(|s| s.downcast_ref::<postgres::Error>());
    pg.and_then(|e| e.as_db_error()).is_some_and(|db| {
        *db.code() == SqlState::DUPLICATE_OBJECT
            || *db.code() == SqlState::UNIQUE_VIOLATION
            || db.message().contains("concurrently updated")
    })
}

impl PgStore {
    fn assign_users_once(&mut self, users: &[User]) -> StoreResult<()> {
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let me: String = tx.query_one("SELECT current_user::text", &[])?.get(0);
        // A refusal of a role statement names the right the owner's login lacks, not the
        // owner: the database is its, the cluster's roles are not (tester36 F1).
        let role_right = |role: &str, create: bool| {
            let (login, role) = (me.clone(), role.to_string());
            move |e: postgres::Error| match e.code() {
                Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => StoreError::RoleRight {
                    login,
                    role,
                    create,
                },
                _ => e.into(),
            }
        };
        for group in ["okk_auditor", "okk_lead"] {
            if !role_exists(&mut tx, group)? {
                tx.batch_execute(&format!("CREATE ROLE {group} NOLOGIN"))
                    .map_err(role_right(group, true))?;
            }
        }
        tx.batch_execute(GRANTS)?;
        for u in users {
            if let Some(login) = &u.login {
                if !role_exists(&mut tx, login)? {
                    tx.batch_execute(&format!("CREATE ROLE {} LOGIN", ident(login)))
                        .map_err(role_right(login, true))?;
                }
                let (group, other) = match u.role {
                    Role::Lead => ("okk_lead", "okk_auditor"),
                    Role::Auditor => ("okk_auditor", "okk_lead"),
                };
                let login = ident(login);
                tx.batch_execute(&format!("GRANT {group} TO {login}"))
                    .map_err(role_right(group, false))?;
                tx.batch_execute(&format!("REVOKE {other} FROM {login}"))
                    .map_err(role_right(other, false))?;
            }
            tx.execute(
                "INSERT INTO okk_users (name, role, login, assigned) VALUES ($1, $2, $3, true)
                 ON CONFLICT (name) DO UPDATE
                 SET role = excluded.role, login = coalesce(excluded.login, okk_users.login),
                     assigned = true",
                &[&u.name, &u.role.as_str(), &u.login],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

impl PgStore {
    /// The funnel the store's lead applied last, with who applied it and when.
    pub fn applied_funnel(&self) -> Result<Option<(FunnelVersion, String, String)>, StoreError> {
        let row = self.conn.borrow_mut().query_opt(
            "SELECT v.version, v.hash, v.first_used, v.name, v.content, v.changes,
                    a.applied_by, a.applied_at
             FROM funnel_applied a JOIN funnel_versions v ON v.hash = a.hash
             ORDER BY a.seq DESC LIMIT 1",
            &[],
        )?;
        Ok(row.map(|r| (super::funnel_history::version_of(&r), r.get(6), r.get(7))))
    }

    /// Makes `version` the store's funnel (recorded as a funnel version unless its hash is
    /// known), applied by `by` at `at`; the version's number.
    pub fn apply_funnel(
        &mut self,
        version: &FunnelVersion,
        by: &str,
        at: &str,
    ) -> Result<i64, StoreError> {
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        // One apply at a time: the next version's number is read, then written.
        tx.execute("SELECT pg_advisory_xact_lock(hashtext('okk funnel'))", &[])?;
        let known: Option<i64> = tx
            .query_opt(
                "SELECT version FROM funnel_versions WHERE hash = $1",
                &[&version.hash],
            )?
            .map(|r| r.get(0));
        let number = match known {
            Some(n) => n,
            None => {
                let n: i64 = tx
                    .query_one(
                        "SELECT coalesce(max(version), 0) + 1 FROM funnel_versions",
                        &[],
                    )?
                    .get(0);
                tx.execute(
                    "INSERT INTO funnel_versions (version, hash, first_used, name, content,
                         changes) VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        &n,
                        &version.hash,
                        &at,
                        &version.name,
                        &version.content,
                        &version.changes,
                    ],
                )?;
                n
            }
        };
        tx.execute(
            "INSERT INTO funnel_applied (hash, applied_by, applied_at) VALUES ($1, $2, $3)",
            &[&version.hash, &by, &at],
        )?;
        // Sent at the commit: the open reviewers' watchers hear that the funnel changed.
        tx.execute("SELECT pg_notify('okk', 'funnel')", &[])?;
        tx.commit()?;
        Ok(number)
    }
}
