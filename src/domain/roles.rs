//! Who may act as whom on a store: okk users with roles (auditor, lead), and the rule that
//! picks the name a command acts under, registers a new one, or refuses (docs/team-server.md).

use std::collections::BTreeMap;

/// An okk user's role. A lead may also review; an auditor may not decide or change the funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Auditor,
    Lead,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Auditor => "auditor",
            Role::Lead => "lead",
        }
    }

    pub fn from_name(name: &str) -> Option<Role> {
        match name {
            "auditor" => Some(Role::Auditor),
            "lead" => Some(Role::Lead),
            _ => None,
        }
    }
}

/// One okk user as the store holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The PostgreSQL login role mapped to this user (never on a store file).
    pub login: Option<String>,
    /// Named by an admin (`okk db roles`), not registered on first use.
    pub assigned: bool,
}

/// Who the store's session is: on a server, its login role, the okk user it is mapped to and
/// whether it owns the database; on a store file, always its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub login: Option<String>,
    pub mapped: Option<(String, Role)>,
    pub owner: bool,
}

impl Session {
    /// A store file: one person's, who may act as anyone.
    pub fn file() -> Session {
        Session {
            login: None,
            mapped: None,
            owner: true,
        }
    }
}

/// What a command does about its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acting {
    /// Acts as this known user.
    As(String),
    /// Acts as this name, registered first with this role (a store without roles set up).
    Register(String, Role),
}

impl Acting {
    pub fn name(&self) -> &str {
        match self {
            Acting::As(n) | Acting::Register(n, _) => n,
        }
    }
}

/// Why a command may not act as it asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The login role is neither the owner nor mapped to an okk user.
    NotMapped { login: String },
    /// The login is mapped to `mapped`, and the command named someone else.
    OtherName { mapped: String, given: String },
    /// Roles are set up and nobody by this name is a user of the store.
    Unknown { name: String },
    /// The user is an auditor and the command is a lead's.
    NotLead { name: String },
}

/// The users the store holds, by name, and whether an admin has set roles up.
pub fn set_up(users: &[User]) -> bool {
    users.iter().any(|u| u.assigned)
}

/// The name a command needing `need` acts under. `given`: the name the user passed
/// (`--auditor`, `--lead`), `fallback` the one okk would take without it (config, login).
/// A mapped login acts as its own user only; the owner (and a store file's user) as anyone
/// before roles are set up, as any known user after.
pub fn act(
    session: &Session,
    users: &[User],
    given: Option<&str>,
    fallback: &str,
    need: Role,
) -> Result<Acting, Refusal> {
    let known: BTreeMap<&str, &User> = users.iter().map(|u| (u.name.as_str(), u)).collect();
    if let Some((name, role)) = &session.mapped {
        if let Some(g) = given.filter(|g| g != name) {
            return Err(Refusal::OtherName {
                mapped: name.clone(),
                given: g.to_string(),
            });
        }
        if need == Role::Lead && *role != Role::Lead {
            return Err(Refusal::NotLead { name: name.clone() });
        }
        return Ok(Acting::As(name.clone()));
    }
    if !session.owner {
        return Err(Refusal::NotMapped {
            login: session.login.clone().unwrap_or_default(),
        });
    }
    let name = given.unwrap_or(fallback).to_string();
    let roles_set_up = set_up(users);
    match known.get(name.as_str()) {
        Some(u) if roles_set_up && need == Role::Lead && u.role != Role::Lead => {
            Err(Refusal::NotLead { name })
        }
        Some(_) => Ok(Acting::As(name)),
        None if roles_set_up => Err(Refusal::Unknown { name }),
        None => Ok(Acting::Register(name, need)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, role: Role, assigned: bool) -> User {
        User {
            name: name.into(),
            role,
            login: None,
            assigned,
        }
    }

    #[test]
    fn before_roles_are_set_up_the_owner_acts_as_anyone_and_new_names_are_registered() {
        let users = [user("anna", Role::Auditor, false)];
        let s = Session::file();
        assert_eq!(
            act(&s, &users, Some("anna"), "me", Role::Lead),
            Ok(Acting::As("anna".into()))
        );
        assert_eq!(
            act(&s, &users, None, "zoe", Role::Auditor),
            Ok(Acting::Register("zoe".into(), Role::Auditor))
        );
    }

    #[test]
    fn once_roles_are_set_up_an_auditor_does_not_lead_and_a_stranger_is_refused() {
        let users = [
            user("anna", Role::Auditor, true),
            user("lena", Role::Lead, true),
        ];
        let s = Session::file();
        assert_eq!(
            act(&s, &users, Some("anna"), "x", Role::Lead),
            Err(Refusal::NotLead {
                name: "anna".into()
            })
        );
        assert_eq!(
            act(&s, &users, Some("lena"), "x", Role::Auditor),
            Ok(Acting::As("lena".into()))
        );
        assert_eq!(
            act(&s, &users, Some("zoe"), "x", Role::Auditor),
            Err(Refusal::Unknown { name: "zoe".into() })
        );
    }

    #[test]
    fn a_mapped_login_acts_as_its_own_user_only() {
        let s = Session {
            login: Some("anna_pg".into()),
            mapped: Some(("anna".into(), Role::Auditor)),
            owner: false,
        };
        assert_eq!(
            act(&s, &[], None, "root", Role::Auditor),
            Ok(Acting::As("anna".into()))
        );
        assert!(matches!(
            act(&s, &[], Some("boris"), "x", Role::Auditor),
            Err(Refusal::OtherName { .. })
        ));
        assert!(matches!(
            act(&s, &[], None, "x", Role::Lead),
            Err(Refusal::NotLead { .. })
        ));
        let stranger = Session {
            login: Some("eve".into()),
            mapped: None,
            owner: false,
        };
        assert_eq!(
            act(&stranger, &[], Some("anna"), "x", Role::Auditor),
            Err(Refusal::NotMapped {
                login: "eve".into()
            })
        );
    }
}
