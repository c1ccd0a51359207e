//! A store file's okk users and their roles (migration 15): registered on first use, or named
//! by `okk db roles`. The file is one person's, so its session is always the owner's.

use rusqlite::params;

use super::{Store, StoreError};
use crate::domain::roles::{Role, User};

impl Store {
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, role, assigned FROM users ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            let role: String = r.get(1)?;
            Ok(User {
                name: r.get(0)?,
                role: Role::from_name(&role).unwrap_or(Role::Auditor),
                login: None,
                assigned: r.get::<_, i64>(2)? != 0,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// See [`crate::domain::ports::UserStore::reviewers`].
    pub fn reviewers(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM users UNION SELECT auditor FROM reviews ORDER BY 1")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn register_user(&self, user: &User) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO users (name, role, assigned) VALUES (?1, ?2, 0)
             ON CONFLICT (name) DO NOTHING",
            params![user.name, user.role.as_str()],
        )?;
        Ok(())
    }

    pub fn assign_users(&mut self, users: &[User]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        for u in users {
            tx.execute(
                "INSERT INTO users (name, role, assigned) VALUES (?1, ?2, 1)
                 ON CONFLICT (name) DO UPDATE SET role = excluded.role, assigned = 1",
                params![u.name, u.role.as_str()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
