//! The users port: who the store's session is, the okk users it holds with their roles, and
//! registering or assigning them (`okk db roles`).

use super::StoreResult;
use crate::domain::roles::{Session, User};

pub trait UserStore {
    /// Who this session is (a store file: its owner).
    fn session(&self) -> StoreResult<Session>;

    /// Every okk user of the store, by name.
    fn users(&self) -> StoreResult<Vec<User>>;

    /// Every name the store knows someone reviews under, sorted: its users (a lead reviews
    /// too) and the authors of its reviews (an auditor on a laptop of their own, whose reviews
    /// came in bundles, is no user of the lead's store).
    fn reviewers(&self) -> StoreResult<Vec<String>>;

    /// Registers a name on first use (a store without roles set up); a known name is kept.
    fn register_user(&mut self, user: &User) -> StoreResult<()>;

    /// The admin's word (`okk db roles`): each user with its role (and on a server its login
    /// role, granted `okk_auditor` or `okk_lead`), replacing what was known of them.
    fn assign_users(&mut self, users: &[User]) -> StoreResult<()>;
}
