//! `okk db roles`, and the name each command acts under on a store (domain::roles): a new name
//! registered on first use, or the command refused with the reason.

use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
use crate::domain::ports::UserStore;
use crate::domain::roles::{Acting, Refusal, Role, User, act};
use crate::text::app as msg;

/// What a lead's command does: the words an auditor's refusal gives for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadWork {
    /// `okk lead`: decides on reviews.
    Decide,
    /// `okk funnel apply`.
    ApplyFunnel,
    /// `okk calibrate new`.
    Calibrate,
    /// `okk calibrate end`: who may start a calibration may end one.
    EndCalibration,
}

/// The name a command needing `need` acts under on `store`: `given` (`--auditor`, `--lead`)
/// or `fallback`, registered when new on a store without roles, refused when the store's
/// roles (or the server's login) say otherwise.
pub fn acting(
    store: &mut dyn UserStore,
    given: Option<&str>,
    fallback: &str,
    need: Role,
) -> Result<String> {
    named(store, given, fallback, need, true, LeadWork::Decide)
}

/// [`acting`] for a lead's command doing `work`: a mapped login acts as its own user (the
/// fallback name is never taken for it), and an auditor is refused in words that name the work.
pub fn leading(
    store: &mut dyn UserStore,
    given: Option<&str>,
    fallback: &str,
    work: LeadWork,
) -> Result<String> {
    named(store, given, fallback, Role::Lead, true, work)
}

/// [`leading`] without registering a new name: whether the command may go on, before it asks
/// its question (the name is registered by [`leading`] once the answer is yes).
pub fn may_lead(
    store: &mut dyn UserStore,
    given: Option<&str>,
    fallback: &str,
    work: LeadWork,
) -> Result<String> {
    named(store, given, fallback, Role::Lead, false, work)
}

/// [`acting`] for a command that only reads (a queue listed, not claimed): the same name and
/// the same refusals, but a new name is not registered — only work recorded makes a user.
pub fn looking(
    store: &mut dyn UserStore,
    given: Option<&str>,
    fallback: &str,
    need: Role,
) -> Result<String> {
    named(store, given, fallback, need, false, LeadWork::Decide)
}

fn named(
    store: &mut dyn UserStore,
    given: Option<&str>,
    fallback: &str,
    need: Role,
    register: bool,
    work: LeadWork,
) -> Result<String> {
    let err = |e: crate::store::StoreError| user(e.to_string());
    let session = store.session().map_err(err)?;
    let users = store.users().map_err(err)?;
    match act(&session, &users, given, fallback, need) {
        Ok(Acting::As(name)) => Ok(name),
        Ok(Acting::Register(name, _)) if !register => Ok(name),
        Ok(Acting::Register(name, role)) => {
            let registered = store.register_user(&User {
                name: name.clone(),
                role,
                login: None,
                assigned: false,
            });
            match registered {
                // A store okk may not write (read where it is): the name acts all the same,
                // and is registered by the first okk that can write.
                Err(e) if !e.is_read_only() => Err(err(e)),
                _ => Ok(name),
            }
        }
        Err(r) => Err(user(refusal(&r, work, &users, given.is_some(), need))),
    }
}

/// Why the name may not act; `given`: the user named it (else okk fell back on the config's
/// or the login's, which the user may never have thought of).
fn refusal(r: &Refusal, work: LeadWork, users: &[User], given: bool, need: Role) -> String {
    match r {
        Refusal::NotMapped { login } => msg::roles_not_mapped(login),
        Refusal::OtherName { mapped, given } => msg::roles_other_name(mapped, given),
        Refusal::Unknown { name } if !given => msg::roles_unknown_unnamed(name, need == Role::Lead),
        Refusal::Unknown { name } => msg::roles_unknown(name),
        Refusal::NotLead { name } => match work {
            LeadWork::Decide => msg::roles_not_lead(name),
            LeadWork::ApplyFunnel => msg::roles_not_lead_funnel(name),
            LeadWork::Calibrate => msg::roles_not_lead_calibrate(name),
            LeadWork::EndCalibration => {
                let leads: Vec<&str> = (users.iter())
                    .filter(|u| u.role == Role::Lead)
                    .map(|u| u.name.as_str())
                    .collect();
                msg::roles_not_lead_end_calibration(name, &leads)
            }
        },
    }
}

/// `NAME` or `NAME=LOGIN` as a user with `role`, named by the admin.
fn entry(text: &str, role: Role, server: bool) -> Result<User> {
    let (name, login) = match text.split_once('=') {
        Some((n, l)) => (n.trim(), Some(l.trim())),
        None => (text.trim(), None),
    };
    if name.is_empty() || login.is_some_and(str::is_empty) {
        return Err(user(msg::roles_bad_entry(text)));
    }
    if login.is_some() && !server {
        return Err(user(msg::roles_login_on_file(text)));
    }
    Ok(User {
        name: name.to_string(),
        role,
        login: login.map(str::to_string),
        assigned: true,
    })
}

/// `okk db roles`: names the store's auditors and leads, or lists its users.
pub fn run(paths: &Paths, auditors: &[String], leads: &[String]) -> Result<ExitCode> {
    let server = paths.server();
    let mut users = Vec::new();
    for a in auditors {
        users.push(entry(a, Role::Auditor, server.is_some())?);
    }
    for l in leads {
        users.push(entry(l, Role::Lead, server.is_some())?);
    }
    let (mut store, shown): (Box<dyn UserStore>, std::path::PathBuf) = match server {
        Some(url) => {
            let store = paths.open_server(url)?;
            let shown = store.shown().to_path_buf();
            let session = store.session().map_err(|e| user(e.to_string()))?;
            if !session.owner {
                return Err(user(msg::roles_owner_only(
                    session.login.as_deref().unwrap_or_default(),
                )));
            }
            (Box::new(store), shown)
        }
        None => (Box::new(paths.open_store()?), paths.db.clone()),
    };
    if users.is_empty() {
        let list = store.users().map_err(|e| user(e.to_string()))?;
        super::say_raw(msg::roles_list(&list, &shown))?;
    } else {
        store
            .assign_users(&users)
            .map_err(|e| user(e.to_string()))?;
        super::say(msg::roles_saved(users.len(), &shown))?;
    }
    Ok(ExitCode::SUCCESS)
}
