//! Messages about the store: the words for each kind of [`StoreError`], whatever its backend.

use std::path::Path;

use crate::domain::store_error::{ReadOnlyWhy, StoreError};

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::NewerSchema { path, found, known } => {
                f.write_str(&newer_schema(path, *found, *known))
            }
            StoreError::NotOkk { path } => f.write_str(&not_okk(path)),
            StoreError::NotEmpty { path } => f.write_str(&not_empty(path)),
            StoreError::Refused { table } => f.write_str(&refused(table)),
            StoreError::RoleRight {
                login,
                role,
                create,
            } => f.write_str(&role_right(login, role, *create)),
            StoreError::Decided { lead, decision } => f.write_str(&decided(lead, *decision)),
            StoreError::CardGone { external_id } => f.write_str(&card_gone(external_id.as_deref())),
            StoreError::CardChanged { external_id } => f.write_str(&card_changed(external_id)),
            StoreError::Open { path, source } => f.write_str(&cannot_open(path, source.as_ref())),
            StoreError::ReadOnly { path, why } => f.write_str(&read_only(path.as_deref(), *why)),
            StoreError::Backend { busy, source } => f.write_str(&failed(source, *busy)),
            StoreError::Unreachable { .. } => f.write_str(&crate::tr!("store-unreachable")),
        }
    }
}

pub fn newer_schema(path: &Path, found: i64, known: i64) -> String {
    crate::tr!(
        "store-newer-schema",
        path = path.display().to_string(),
        found = found,
        known = known
    )
}

/// A store in a place okk cannot write to: what could not be done, and that the folder (and
/// the file) must be writable for it.
pub fn read_only(path: Option<&Path>, why: ReadOnlyWhy) -> String {
    // A write refused deep in a command, where the store's file is not known.
    let Some(path) = path else {
        return crate::tr!("store-read-only-here");
    };
    let folder = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| ".".to_string(), |d| d.display().to_string());
    let path = path.display().to_string();
    match why {
        ReadOnlyWhy::Write => crate::tr!("store-read-only-write", path = path, folder = folder),
        ReadOnlyWhy::Upgrade => crate::tr!("store-read-only-upgrade", path = path, folder = folder),
        ReadOnlyWhy::UnsavedLog => {
            crate::tr!("store-read-only-log", path = path, folder = folder)
        }
        ReadOnlyWhy::Create => crate::tr!("store-read-only-create", path = path, folder = folder),
    }
}

/// A verdict or a draft refused: its card was taken out of the store (`okk db prune`).
pub fn card_gone(external_id: Option<&str>) -> String {
    match external_id {
        Some(id) => crate::tr!("store-card-gone", card = super::safe::line(id)),
        None => crate::tr!("store-card-gone-unnamed"),
    }
}

/// A verdict refused: its card changed in the store (an import, a sync) since it was read.
pub fn card_changed(external_id: &str) -> String {
    crate::tr!("store-card-changed", card = super::safe::line(external_id))
}

/// An auditor's undo refused: the lead has decided on the verdict.
pub fn decided(lead: &str, decision: crate::domain::decision::DecisionKind) -> String {
    crate::tr!(
        "store-decided",
        lead = super::safe::line(lead),
        decision = decision.as_str()
    )
}

pub fn not_okk(path: &Path) -> String {
    crate::tr!("store-not-okk", path = path.display().to_string())
}

pub fn not_empty(path: &Path) -> String {
    crate::tr!("store-not-empty", path = path.display().to_string())
}

pub fn cannot_open(path: &Path, err: &(dyn std::error::Error + 'static)) -> String {
    let error = super::common::error(err);
    let said = crate::tr!(
        "store-cannot-open",
        path = path.display().to_string(),
        error = driver_words(&error)
    );
    match open_hint(&error) {
        Some(hint) => format!("{said}\n  {hint}"),
        None => said,
    }
}

/// The PostgreSQL driver's own opening words (always English) in the language, the cause after
/// them as the system gave it ("Connection refused (os error 111)").
fn driver_words(error: &str) -> String {
    type Said = fn() -> String;
    let known: [(&str, Said); 7] = [
        ("error connecting to server", || {
            crate::tr!("store-driver-connect")
        }),
        ("error communicating with the server", || {
            crate::tr!("store-driver-io")
        }),
        ("error performing TLS handshake", || {
            crate::tr!("store-driver-tls")
        }),
        ("authentication error", || crate::tr!("store-driver-auth")),
        ("timeout waiting for server", || {
            crate::tr!("store-driver-timeout")
        }),
        ("connection closed", || crate::tr!("store-driver-closed")),
        ("invalid connection string", || {
            crate::tr!("store-driver-config")
        }),
    ];
    for (words, said) in known {
        if let Some(rest) = error.strip_prefix(words)
            && (rest.is_empty() || rest.starts_with(':'))
        {
            return format!("{}{}", said(), driver_cause(rest));
        }
    }
    error.to_string()
}

/// The causes after the driver's words that are the driver's own (the system's, like
/// "Connection refused (os error 111)", are left as the system gave them).
fn driver_cause(rest: &str) -> String {
    match rest.strip_prefix(": ") {
        Some("bytes remaining on stream") => format!(": {}", crate::tr!("store-driver-cut")),
        Some("connection timed out") => format!(": {}", crate::tr!("store-driver-timed-out")),
        _ => rest.to_string(),
    }
}

/// What to check, for the causes a server connection commonly fails on (the driver's words are
/// English whatever the locale, and say what happened, not what to do).
fn open_hint(error: &str) -> Option<String> {
    let quoted = |after: &str| {
        error
            .split_once(after)
            .and_then(|(_, rest)| rest.split('"').next())
            .map(|s| super::safe::line(s).into_owned())
            .unwrap_or_default()
    };
    let hint = if error.contains("Connection refused") {
        crate::tr!("store-open-hint-refused")
    } else if [
        "bytes remaining on stream",
        "unexpected EOF",
        "Connection reset by peer",
    ]
    .iter()
    .any(|cut| error.contains(cut))
    {
        crate::tr!("store-open-hint-not-postgres")
    } else if error.contains("connection timed out") {
        crate::tr!("store-open-hint-timed-out")
    } else if error.contains("failed to lookup address") {
        crate::tr!("store-open-hint-host")
    } else if error.contains("does not exist") && error.contains("database \"") {
        crate::tr!("store-open-hint-database", name = quoted("database \""))
    } else if error.contains("does not exist") && error.contains("role \"") {
        crate::tr!("store-open-hint-role", name = quoted("role \""))
    } else if error.contains("password authentication failed") {
        crate::tr!("store-open-hint-password")
    } else if error.contains("server does not support TLS") {
        crate::tr!("store-open-hint-tls")
    } else if error.contains("invalid connection string") {
        crate::tr!("store-open-hint-url")
    } else {
        return None;
    };
    Some(hint)
}

fn failed(e: &dyn std::fmt::Display, busy: bool) -> String {
    if busy {
        crate::tr!("store-busy")
    } else {
        crate::tr!("store-failed", error = e.to_string())
    }
}

/// What the server refused a role, by the table it would have written: a lead's decision, a
/// review in someone else's name, the funnel, or anything else.
pub fn refused(table: &str) -> String {
    match table {
        "lead_decisions" => crate::tr!("store-refused-decision"),
        "reviews" | "drafts" | "leases" => crate::tr!("store-refused-review"),
        "funnel_versions" | "funnel_applied" => crate::tr!("store-refused-funnel"),
        // No table named: the server refused the schema itself (an empty database's set-up).
        "" => crate::tr!("store-refused-setup"),
        _ => crate::tr!("store-refused", table = table.to_string()),
    }
}

/// `okk db roles` refused the owner's login the roles (tester36 F1): the owner it is, the
/// right it lacks is named, with the statement a superuser runs to give it.
pub fn role_right(login: &str, role: &str, create: bool) -> String {
    let login = sql_name(login);
    let role = sql_name(role);
    if create {
        crate::tr!("store-role-right-create", login = login, role = role)
    } else {
        crate::tr!("store-role-right-grant", login = login, role = role)
    }
}

/// A role's name as a superuser types it in SQL: quoted unless it is a plain lower-case word.
fn sql_name(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    let name = super::safe::line(name);
    if plain {
        name.into_owned()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use crate::text::lang::{Lang, with};

    /// The owner refused the roles is told it is the owner, what right it lacks, and the
    /// statement that gives it, in both languages.
    #[test]
    fn a_role_refused_to_the_owner_names_the_right_missing_and_how_to_grant_it() {
        with(Lang::En, || {
            let t = super::role_right("okk", "okk_auditor", true);
            assert!(t.contains("okk, the database's owner"), "{t}");
            assert!(t.contains("ALTER ROLE okk CREATEROLE"), "{t}");
            assert!(!t.contains("only its owner"), "{t}");
            let t = super::role_right("Okk Owner", "okk_lead", false);
            assert!(
                t.contains(r#"GRANT okk_auditor, okk_lead TO "Okk Owner" WITH ADMIN OPTION"#),
                "{t}"
            );
            assert!(t.contains("okk_lead"), "{t}");
        });
        with(Lang::Ru, || {
            let t = super::role_right("okk", "okk_auditor", true);
            assert!(t.contains("okk, владелец базы,"), "{t}");
            assert!(t.contains("ALTER ROLE okk CREATEROLE"), "{t}");
            let t = super::role_right("okk", "okk_auditor", false);
            assert!(
                t.contains("GRANT okk_auditor, okk_lead TO okk WITH ADMIN OPTION"),
                "{t}"
            );
        });
    }

    /// A login with no rights reads as much as writes: the words say neither "write" alone nor
    /// leave a blank where the server named no table.
    #[test]
    fn a_refusal_names_the_table_or_the_set_up_and_who_may() {
        with(Lang::En, || {
            let t = super::refused("okk_meta");
            assert!(t.contains("may not read or change okk_meta"), "{t}");
            assert!(t.contains("okk db roles"), "{t}");
            let t = super::refused("");
            assert!(!t.contains("  "), "{t}");
            assert!(t.contains("only its owner does"), "{t}");
            let t = super::refused("reviews");
            assert!(
                !t.contains("an auditor writes"),
                "not every role is an auditor's: {t}"
            );
        });
        with(Lang::Ru, || {
            assert!(super::refused("").contains("только её владелец"));
        });
    }
}

#[cfg(test)]
mod open_hints {
    use crate::text::lang::{Lang, with};

    #[test]
    fn a_connection_failure_says_what_to_check_in_the_readers_language() {
        let db = r#"db error: FATAL: database "nosuchdb" does not exist"#;
        with(Lang::Ru, || {
            let h = super::open_hint(db).unwrap();
            assert!(h.contains("нет базы «nosuchdb»"), "{h}");
            let h =
                super::open_hint("error connecting to server: Connection refused (os error 111)");
            assert!(h.unwrap().contains("никто не отвечает"));
        });
        with(Lang::En, || {
            let h = super::open_hint(r#"db error: FATAL: role "nobodyrole" does not exist"#);
            assert!(h.unwrap().contains("no login «nobodyrole»"));
            let h = super::open_hint("error performing TLS handshake: server does not support TLS");
            assert!(h.unwrap().contains("leave sslmode=require out"));
            assert!(super::open_hint("something else").is_none());
            let h =
                super::open_hint("error communicating with the server: bytes remaining on stream");
            assert!(h.unwrap().contains("without answering as PostgreSQL"));
        });
        with(Lang::Ru, || {
            let cut = "error communicating with the server: bytes remaining on stream";
            assert_eq!(
                super::driver_words(cut),
                "ошибка связи с сервером: соединение оборвалось посреди ответа"
            );
            assert!(
                super::open_hint(cut)
                    .unwrap()
                    .contains("не ответив как PostgreSQL")
            );
            let late = "error connecting to server: connection timed out";
            assert!(super::driver_words(late).ends_with("время ожидания соединения истекло"));
            assert!(super::open_hint(late).unwrap().contains("connect_timeout"));
            let refused = "error connecting to server: Connection refused (os error 111)";
            assert!(super::driver_words(refused).ends_with(": Connection refused (os error 111)"));
        });
    }
}
