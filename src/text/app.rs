//! Messages of the commands themselves: paths, `okk funnel check`, the demo, the auditors'
//! table of `okk stats --auditors`.

use std::path::Path;

use crate::domain::Funnel;

pub fn no_home_dir() -> String {
    crate::tr!("app-no-home-dir")
}

pub fn upgrading_store(path: &Path, from: i64, to: i64) -> String {
    crate::tr!(
        "app-upgrading-store",
        path = path.display().to_string(),
        from = from,
        to = to
    )
}

pub fn wrote_default_funnel(path: &Path) -> String {
    crate::tr!(
        "app-wrote-default-funnel",
        path = path.display().to_string()
    )
}

/// A funnel path named where no file is, with the ways to make one that work here: from the
/// store's stages when it holds cards, the built-in funnel written there, a copy of the default
/// funnel file when one exists.
pub fn no_funnel_file(path: &Path, store_cards: bool, default: Option<&Path>) -> String {
    let shown = path.display().to_string();
    // Pasted as shown, the command works for a path with a space in it too.
    let arg = super::shell::word(&shown).into_owned();
    let mut ways = Vec::new();
    if store_cards {
        ways.push(crate::tr!("app-no-funnel-way-store", arg = arg.clone()));
    }
    ways.push(crate::tr!("app-no-funnel-way-builtin", arg = arg));
    if let Some(default) = default {
        ways.push(crate::tr!(
            "app-no-funnel-way-copy",
            default = default.display().to_string()
        ));
    }
    let or = format!("; {} ", crate::tr!("app-no-funnel-or"));
    crate::tr!("app-no-funnel-file", path = shown, ways = ways.join(&or))
}

/// A dry run on a machine with no funnel config: the default used, not written.
pub fn would_write_default_funnel(path: &Path) -> String {
    crate::tr!(
        "app-would-write-default-funnel",
        path = path.display().to_string()
    )
}

pub fn cannot_write(path: &Path, e: &std::io::Error) -> String {
    crate::tr!(
        "app-cannot-write",
        path = path.display().to_string(),
        error = super::common::error(e)
    )
}

pub fn funnel_ok(path: &Path, funnel: &Funnel) -> String {
    let checklist: usize = funnel.stages.iter().map(|s| s.checklist.len()).sum();
    crate::tr!(
        "app-funnel-ok",
        path = path.display().to_string(),
        name = funnel.name.as_str(),
        stages = funnel.stages.len(),
        fields = funnel.custom_fields.len(),
        items = checklist
    )
}

/// `okk funnel check --store`'s warning of cards at a stage name the funnel does not resolve.
pub fn stranded(s: &crate::domain::funnel_diff::Stranded) -> String {
    let stage = crate::text::safe::line(&s.stage);
    let fix = match &s.like {
        Some(like) => crate::tr!(
            "app-stranded-fix-like",
            stage = stage.as_ref(),
            like = like.as_str()
        ),
        None => crate::tr!("app-stranded-fix", stage = stage.as_ref()),
    };
    let reviews = if s.reviews > 0 {
        crate::tr!("app-stranded-reviews", count = s.reviews)
    } else {
        String::new()
    };
    if s.had {
        crate::tr!(
            "app-stranded-had",
            cards = s.cards,
            reviews = reviews,
            stage = stage.as_ref(),
            fix = fix
        )
    } else {
        crate::tr!(
            "app-stranded-never",
            cards = s.cards,
            reviews = reviews,
            stage = stage.as_ref(),
            fix = fix
        )
    }
}

/// Where the demo's store is, and commands to try on it: each command before the store's path,
/// which a terminal may break across lines, so that `stats --json` is never broken (tester42).
pub fn demo_where(db: &Path) -> String {
    crate::tr!("app-demo-where", db = db.display().to_string())
}

/// How wide an item's text may run in the auditors' alignment lines.
const ITEM_COLUMNS: usize = 48;

/// `okk stats --auditors`: one row per auditor in aligned columns, each share with its sample;
/// under an auditor, their alignment with the lead per checklist item (by its text, with how
/// many decided reviews it rests on) and the answers they left out.
pub fn auditors_table(rows: &[crate::domain::auditors::AuditorFigures]) -> String {
    let num = |v: Option<f64>| v.map_or("—".to_string(), |v| super::i18n::rounded(v, 0));
    // The report's column names: one translation for both.
    let header = super::report::auditor_columns();
    let of = super::report::share_of;
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                super::common::column(&r.auditor, 30).trim_end().to_string(),
                super::common::int(r.reviews as i64),
                num(r.cards_per_hour),
                num(r.median_seconds),
                super::common::int(r.decided as i64),
                of(r.accepted, r.decided),
                of(r.overridden, r.decided),
                of(r.returned, r.decided),
                of(r.reference_agreement, r.calibrated),
            ]
        })
        .collect();
    // The last column of `grid` is free text: a blank one keeps the reference aligned.
    let with_end = |mut v: Vec<String>| {
        v.push(String::new());
        v
    };
    let table = super::analytics::grid(
        &with_end(header.to_vec()),
        &cells.into_iter().map(with_end).collect::<Vec<_>>(),
        1,
    );
    let mut lines = table.lines();
    let mut s = String::new();
    let mut push = |line: &str| {
        s.push_str(line);
        s.push('\n');
    };
    push(lines.next().unwrap_or_default());
    let text_cols = rows
        .iter()
        .flat_map(|r| &r.items)
        .map(|i| unicode_width::UnicodeWidthStr::width(super::safe::line(&i.text).as_ref()))
        .max()
        .unwrap_or(0)
        .min(ITEM_COLUMNS);
    for (r, line) in rows.iter().zip(lines) {
        push(line);
        if !r.items.is_empty() {
            push(&format!("    {}", crate::tr!("app-alignment-with-lead")));
            let shares: Vec<String> = r
                .items
                .iter()
                .map(|i| of(Some(i.alignment), i.judged))
                .collect();
            let share_cols = shares.iter().map(|x| x.chars().count()).max().unwrap_or(0);
            for (i, share) in r.items.iter().zip(shares) {
                push(&format!(
                    "      {}  {share:>share_cols$}",
                    super::common::column(&i.text, text_cols)
                ));
            }
        }
        if r.unanswered > 0 {
            push(&format!(
                "    {}",
                crate::tr!("app-unanswered", count = r.unanswered)
            ));
        }
    }
    s
}

/// `--today` / `OKK_TODAY` is not a day.
pub fn bad_day(given: &str) -> String {
    crate::tr!("app-bad-day", given = crate::text::safe::line(given))
}

/// `okk funnel check --store`: per source, the required fields its exports never have, and the
/// stages that require them.
pub fn absent_fields(funnel: &Funnel, absent: &crate::domain::columns::AbsentFields) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (source, fields) in absent.sources() {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                "app-never-exports",
                source = crate::text::safe::line(source)
            )
        );
        for field in fields {
            // okk's own fields by the word the card uses for them («Телефон», not `phone`).
            let label = match field {
                crate::domain::funnel::FieldRef::System(f) => super::tui::field_label(f.name()),
                crate::domain::funnel::FieldRef::Custom(name) => name.clone(),
            };
            let stages: Vec<&str> = funnel
                .stages
                .iter()
                .filter(|s| crate::domain::columns::needs(s, field))
                .map(|s| s.name.as_str())
                .collect();
            // The nearest task is needed by the stages that run `no_task`, not required.
            let line = if *field == crate::domain::columns::task_field() {
                crate::tr!(
                    "app-task-read-at",
                    field = label,
                    stages = stages.join(", ")
                )
            } else {
                crate::tr!("app-required-at", field = label, stages = stages.join(", "))
            };
            let _ = writeln!(out, "  {line}");
        }
    }
    if out.is_empty() {
        out.push_str(&crate::tr!("app-every-source-exports"));
        out.push('\n');
    }
    out
}

/// A cause under an error report's first line.
pub fn caused_by(cause: &str) -> String {
    format!("\n  {}", crate::tr!("app-caused-by", cause = cause))
}

pub fn pending_saved(n: usize) -> String {
    crate::tr!("app-pending-saved", n = n)
}

/// Verdicts the replay wrote on cards the CRM changed after they were given (`cards`: their
/// ids): they stand, the queue marks them ↻, the auditor looks again.
pub fn pending_saved_changed(cards: &[&str]) -> String {
    let listed: Vec<String> = (cards.iter().take(10))
        .map(|c| format!("#{}", super::safe::line(c)))
        .collect();
    let more = cards.len().saturating_sub(listed.len());
    let mut named = listed.join(", ");
    if more > 0 {
        named.push_str(&format!(" (+{more})"));
    }
    crate::tr!("app-pending-saved-changed", n = cards.len(), cards = named)
}

/// A verdict the replay wrote on a card other auditors (`others`) hold a verdict of too.
pub fn pending_saved_beside(card: &str, others: &[String]) -> String {
    let names: Vec<String> = others
        .iter()
        .map(|o| super::safe::line(o).into_owned())
        .collect();
    crate::tr!(
        "app-pending-saved-beside",
        card = super::safe::line(card).into_owned(),
        n = names.len(),
        others = names.join(", ")
    )
}

pub fn pending_unreadable(file: &Path) -> String {
    crate::tr!("app-pending-unreadable", file = file.display().to_string())
}

/// A verdict a reviewer killed mid-write left unfinished in the journal, dropped.
pub fn pending_torn(torn: &crate::domain::pending::Torn) -> String {
    let file = torn.file.display().to_string();
    match &torn.card {
        Some(card) => crate::tr!("app-pending-torn-card", card = card.as_str(), file = file),
        None => crate::tr!("app-pending-torn", file = file),
    }
}

pub fn pending_failed(e: &str) -> String {
    crate::tr!("app-pending-failed", error = e)
}

/// A command on a team server whose link hung or dropped: `silence`, how long okk waits for a
/// byte from a server that does not show it is at work.
pub fn server_silent(url: &str, silence: std::time::Duration) -> String {
    crate::tr!(
        "app-server-silent",
        url = super::safe::line(url).into_owned(),
        seconds = silence.as_secs_f64().ceil() as u64
    )
}

/// A command that does not run on a team server's PostgreSQL store yet.
pub fn not_on_server(server: &Path) -> String {
    crate::tr!("app-not-on-server", server = server.display().to_string())
}

/// `okk import` onto a server store from a login that does not own it.
pub fn import_owner_only(login: &str) -> String {
    crate::tr!("app-import-owner-only", login = login.to_string())
}

/// `okk import --no-check` onto a server store.
pub fn import_no_check_on_server() -> String {
    crate::tr!("app-import-no-check-on-server")
}

/// `okk bundle import` into a server store from a login that is neither its owner's nor a
/// lead's.
pub fn bundle_import_owner_only(login: &str) -> String {
    crate::tr!("app-bundle-import-owner-only", login = login.to_string())
}

/// `okk sync` onto a server store from a login that does not own it.
pub fn sync_owner_only(login: &str) -> String {
    crate::tr!("app-sync-owner-only", login = login.to_string())
}

/// `okk sync --no-check` onto a server store.
pub fn sync_no_check_on_server() -> String {
    crate::tr!("app-sync-no-check-on-server")
}

/// `okk db copy` asked to move a store in a way it cannot yet.
pub fn copy_direction(from: &Path, to: &Path) -> String {
    crate::tr!(
        "app-copy-direction",
        from = from.display().to_string(),
        to = to.display().to_string()
    )
}

/// What `okk db copy` moved.
pub fn copied(rows: &[(&str, u64)], to: &Path) -> String {
    let mut out = format!(
        "{}\n",
        crate::tr!("app-copied", to = to.display().to_string())
    );
    for (table, n) in rows {
        // Table names are the store's own (a machine contract), the same in every language.
        out.push_str(&format!(
            "  {table:<18} {}\n",
            super::common::int(*n as i64)
        ));
    }
    out
}

/// `--db` in libpq's keyword form (its password already hidden).
pub fn conninfo_not_url(conninfo: &str) -> String {
    crate::tr!(
        "app-conninfo-not-url",
        conninfo = super::safe::line(conninfo)
    )
}

/// A server URL whose password holds an `@` not percent-encoded (the URL shown without it).
pub fn url_password_at(shown: &str) -> String {
    crate::tr!("app-url-password-at", url = super::safe::line(shown))
}

/// A command that reads the store, and there is none at `path` yet.
pub fn no_store_yet(path: &Path) -> String {
    crate::tr!("app-no-store-yet", path = path.display().to_string())
}

/// `okk db copy` given a SQLite store that is not there.
pub fn no_store_file(path: &Path) -> String {
    crate::tr!("app-no-store-file", path = path.display().to_string())
}

/// A server login role not mapped to an okk user of the store.
pub fn roles_not_mapped(login: &str) -> String {
    crate::tr!("app-roles-not-mapped", login = login.to_string())
}

/// A mapped login asked to act as someone else.
pub fn roles_other_name(mapped: &str, given: &str) -> String {
    crate::tr!(
        "app-roles-other-name",
        mapped = mapped.to_string(),
        given = given.to_string()
    )
}

/// `okk bundle export --as NAME` on a store file copied from the server for another user.
pub fn copy_signs_as_other(copied: &str, given: &str) -> String {
    crate::tr!(
        "app-copy-signs-as-other",
        copied = copied.to_string(),
        given = given.to_string()
    )
}

/// A name that is not a user of a store whose roles are set up.
pub fn roles_unknown(name: &str) -> String {
    crate::tr!("app-roles-unknown", name = name.to_string())
}

/// No name given (`--auditor`, `--lead`), and the one taken instead (the config's, the login's)
/// is not a user of a store whose roles are set up: how to say who one is. `lead`: the command
/// takes `--lead`.
pub fn roles_unknown_unnamed(name: &str, lead: bool) -> String {
    let (flag, env) = if lead {
        ("--lead", "OKK_LEAD")
    } else {
        ("--auditor", "OKK_AUDITOR")
    };
    crate::tr!(
        "app-roles-unknown-unnamed",
        name = name.to_string(),
        flag = flag,
        env = env
    )
}

/// An auditor asked for a lead's command.
pub fn roles_not_lead(name: &str) -> String {
    crate::tr!("app-roles-not-lead", name = name.to_string())
}

/// An auditor asked to apply the store's funnel.
pub fn roles_not_lead_funnel(name: &str) -> String {
    crate::tr!("app-roles-not-lead-funnel", name = name.to_string())
}

/// An auditor asked to start a calibration.
pub fn roles_not_lead_calibrate(name: &str) -> String {
    crate::tr!("app-roles-not-lead-calibrate", name = name.to_string())
}

/// An auditor's `okk calibrate end`: refused, naming the store's leads (who may end it).
pub fn roles_not_lead_end_calibration(name: &str, leads: &[&str]) -> String {
    let name = super::safe::line(name).into_owned();
    if leads.is_empty() {
        return crate::tr!("app-roles-not-lead-end-calibration-no-lead", name = name);
    }
    let leads: Vec<String> = leads
        .iter()
        .map(|l| super::safe::line(l).into_owned())
        .collect();
    crate::tr!(
        "app-roles-not-lead-end-calibration",
        name = name,
        leads = leads.join(", ")
    )
}

/// `okk db roles` from a session that does not own the server store.
pub fn roles_owner_only(login: &str) -> String {
    crate::tr!("app-roles-owner-only", login = login.to_string())
}

/// `NAME=LOGIN` given for a store file.
pub fn roles_login_on_file(entry: &str) -> String {
    crate::tr!("app-roles-login-on-file", entry = entry.to_string())
}

/// A `--auditor`/`--lead` value that is neither NAME nor NAME=LOGIN.
pub fn roles_bad_entry(entry: &str) -> String {
    crate::tr!("app-roles-bad-entry", entry = entry.to_string())
}

/// `okk db roles` named users.
pub fn roles_saved(count: usize, store: &Path) -> String {
    crate::tr!(
        "app-roles-saved",
        count = count,
        store = store.display().to_string()
    )
}

/// `okk db roles` without names: the store's users.
pub fn roles_list(users: &[crate::domain::roles::User], store: &Path) -> String {
    use crate::domain::roles::Role;
    if users.is_empty() {
        return format!(
            "{}\n",
            crate::tr!("app-roles-none", store = store.display().to_string())
        );
    }
    let mut out = format!(
        "{}\n",
        crate::tr!("app-roles-header", store = store.display().to_string())
    );
    for u in users {
        let role = match u.role {
            Role::Auditor => crate::tr!("app-role-auditor"),
            Role::Lead => crate::tr!("app-role-lead"),
        };
        let how = if u.assigned {
            crate::tr!("app-roles-assigned")
        } else {
            crate::tr!("app-roles-registered")
        };
        out.push_str(&format!(
            "  {:<18} {:<14} {:<18} {how}\n",
            crate::text::safe::line(&u.name),
            role,
            crate::text::safe::line(u.login.as_deref().unwrap_or("-")),
        ));
    }
    out
}

/// `okk funnel apply` made a funnel the store's and re-judged every card by it: `flagged` of
/// `cards` carry a flag.
pub fn funnel_applied(version: i64, store: &Path, flagged: u64, cards: u64) -> String {
    crate::tr!(
        "app-funnel-applied",
        version = version,
        store = store.display().to_string(),
        flagged = flagged,
        cards = cards
    )
}

/// `okk funnel apply` made a funnel the store's, but the rules run after it failed.
pub fn funnel_applied_unjudged(version: i64, store: &Path) -> String {
    crate::tr!(
        "app-funnel-applied-unjudged",
        version = version,
        store = store.display().to_string()
    )
}

/// Why the rules run after `okk funnel apply` failed.
pub fn funnel_apply_rules_failed(error: &str) -> String {
    crate::tr!("app-funnel-apply-rules-failed", error = error.to_string())
}

/// `okk funnel show`/`check --store` on a server read the store's applied funnel.
pub fn stores_funnel_shown(version: i64, by: &str, at: &str) -> String {
    crate::tr!(
        "app-stores-funnel-shown",
        version = version,
        by = by.to_string(),
        at = super::common::stored_time(at)
    )
}

/// `okk funnel show`/`check --store` on a server read the `--funnel` file, not the store's.
pub fn given_funnel_not_stores(file: &Path, version: i64, by: &str, at: &str) -> String {
    crate::tr!(
        "app-given-funnel-not-stores",
        file = file.display().to_string(),
        version = version,
        by = by.to_string(),
        at = super::common::stored_time(at)
    )
}

/// A reader on a server whose flags were judged by another funnel than the applied version.
pub fn flags_of_another_funnel(version: i64) -> String {
    crate::tr!("app-flags-of-another-funnel", version = version)
}

/// The store's funnel is used and the `--funnel` file given differs from it.
pub fn stored_funnel_used(file: &Path, version: i64, by: &str, at: &str) -> String {
    crate::tr!(
        "app-stored-funnel-used",
        file = file.display().to_string(),
        version = version,
        by = by.to_string(),
        at = super::common::stored_time(at)
    )
}

/// `okk db copy URL FILE` given a file that is there.
pub fn copy_target_exists(path: &Path) -> String {
    crate::tr!("app-copy-target-exists", path = path.display().to_string())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::text::lang::{Lang, with};

    /// tester31 F8: every message naming when the store's funnel was applied says it as a
    /// Russian screen says a moment, never as the store keeps it.
    #[test]
    fn the_store_funnel_s_messages_say_when_in_the_reader_s_way() {
        let at = "2026-12-06 11:18:59";
        let said = with(Lang::Ru, || {
            [
                super::stores_funnel_shown(1, "lena", at),
                super::given_funnel_not_stores(Path::new("f.toml"), 1, "lena", at),
                super::stored_funnel_used(Path::new("f.toml"), 1, "lena", at),
            ]
        });
        for s in said {
            assert!(s.contains("06.12.2026") && !s.contains(at), "{s}");
        }
    }
}
