//! Words of `okk bundle`.

use std::path::Path;

use super::safe::line as safe;

/// A public key (64 hex digits) as a message names it: its first 16 digits, enough to tell keys
/// apart.
fn short(key: &str) -> &str {
    key.get(..16).unwrap_or(key)
}

pub fn empty() -> String {
    "the file is empty: not an okk bundle".into()
}

pub fn not_a_bundle() -> String {
    "not an okk bundle (the first line is not an okk bundle header): write one with \
     `okk bundle export --out FILE`"
        .into()
}

pub fn unknown_version(v: u64) -> String {
    if v < 2 {
        return format!(
            "bundle format version {v} is unsigned: this okk takes signed bundles only (version \
             2); ask for the bundle to be exported again with this okk"
        );
    }
    format!("bundle format version {v} is unknown to this okk (it reads version 2): update okk")
}

pub fn truncated() -> String {
    "the bundle is cut short (its end marker or some records are missing): copy it again".into()
}

pub fn checksum() -> String {
    "the bundle's checksum does not match its contents (it was altered or damaged): copy it again"
        .into()
}

pub fn bad_line(line: usize, message: &str) -> String {
    format!("line {line}: {}", safe(message))
}

pub fn bad_bundle_signature() -> String {
    "the bundle's signature does not match its contents or its signer's key (it was altered \
     or forged): refused"
        .into()
}

pub fn bad_time(field: &str, value: &str) -> String {
    format!(
        "{field} \"{}\" is not a time (expected YYYY-MM-DD HH:MM:SS, a real date)",
        safe(value)
    )
}

pub fn time_out_of_window(field: &str, value: &str, latest: &chrono::NaiveDateTime) -> String {
    format!(
        "{field} {} is outside the times okk takes (2000-01-01 00:00:00 to {}, a day after this \
         machine's clock)",
        safe(value),
        latest.format("%Y-%m-%d %H:%M:%S")
    )
}

pub fn bad_key(key: &str) -> String {
    format!("\"{}\" is not an okk public key (64 hex digits)", safe(key))
}

pub fn vouch_conflict(by: &str, name: &str, key: &str, here: &str) -> String {
    format!(
        "{} vouches for key {} as {}, but this store trusts that key as {}",
        safe(by),
        short(key),
        safe(name),
        safe(here)
    )
}

pub fn how_vouched(by: &str, file: &str) -> String {
    format!("vouched for by {}: {}", safe(by), safe(file))
}

pub fn how_first_use(file: &str) -> String {
    format!("first use: {}", safe(file))
}

pub fn what_review(id: &str, auditor: &str) -> String {
    format!("review {} in {}'s name", safe(id), safe(auditor))
}

pub fn what_decision(id: &str, lead: &str) -> String {
    format!("lead decision {} in {}'s name", safe(id), safe(lead))
}

pub fn what_calibration(id: &str, lead: &str) -> String {
    format!("calibration {} in {}'s name", safe(id), safe(lead))
}

pub fn what_withdrawal(what: &str) -> String {
    format!("the withdrawal of {what}")
}

pub fn unsigned(what: &str) -> String {
    format!("{what} is not signed: refused")
}

pub fn bad_signature(what: &str) -> String {
    format!("{what}: its signature does not match its contents (edited after signing): refused")
}

pub fn unknown_key(what: &str, claimed: &str, key: &str) -> String {
    format!(
        "{what} is signed by key {}, which this store does not trust: if it is {}'s, run \
         `okk bundle trust {key} --as {}` (or import with --trust-on-first-use)",
        short(key),
        safe(claimed),
        safe(claimed)
    )
}

pub fn unknown_key_for_known_name(what: &str, claimed: &str, key: &str) -> String {
    format!(
        "{what} is signed by key {}, but this store trusts other keys as {}: refused even on \
         first use; if {} has a new key, run `okk bundle trust {key} --as {}`",
        short(key),
        safe(claimed),
        safe(claimed),
        safe(claimed)
    )
}

pub fn forged_name(what: &str, author: &str, signer: &str) -> String {
    format!(
        "{what} is signed by {}'s key, not {}'s: a record in a name must be signed by that \
         name's key; refused",
        safe(signer),
        safe(author)
    )
}

pub fn withdrawal_by_other(what: &str, signer: &str) -> String {
    format!(
        "the withdrawal of {what} is signed by {}, who is neither its author nor a lead: refused",
        safe(signer)
    )
}

pub fn own_key_not_made_here(what: &str) -> String {
    format!(
        "{what} is signed by this okk's own key but was not made in this store (or was changed \
         since): refused"
    )
}

pub fn conflict(what: &str) -> String {
    format!(
        "{what} is already in this store with other content: a conflict; refused (nothing \
         merged)"
    )
}

pub fn key_made(path: &Path, key: &str) -> String {
    format!(
        "made this okk's signing key {} (public key {key}); the lead trusts it with \
         `okk bundle trust FILE --as NAME`",
        path.display()
    )
}

pub fn no_key_file(path: &Path) -> String {
    format!(
        "{}: no signing key yet (it is made by the first `okk bundle export`)",
        path.display()
    )
}

pub fn not_a_key(given: &str) -> String {
    format!(
        "\"{}\" is neither an okk bundle nor a public key (64 hex digits)",
        safe(given)
    )
}

pub fn trusted(
    key: &str,
    name: &str,
    lead: bool,
    outcome: &crate::domain::trust::Trusted,
) -> String {
    use crate::domain::trust::Trusted;
    let role = if lead { " (lead)" } else { "" };
    match outcome {
        Trusted::Added => format!("trusted key {} as {}{role}", short(key), safe(name)),
        Trusted::Updated => format!(
            "key {} was trusted as {} already{role}",
            short(key),
            safe(name)
        ),
        Trusted::OtherName(other) => format!(
            "key {} is trusted as {} already: nothing changed (one key, one name)",
            short(key),
            safe(other)
        ),
    }
}

pub fn keys(own: Option<&str>, trusted: &[crate::domain::trust::TrustedKey]) -> String {
    let mut s = match own {
        Some(k) => format!("this okk's key: {k}\n"),
        None => "this okk's key: none yet (made by the first `okk bundle export`)\n".into(),
    };
    if trusted.is_empty() {
        s.push_str("trusted keys: none (`okk bundle trust FILE|KEY --as NAME`)\n");
    } else {
        s.push_str("trusted keys:\n");
        for k in trusted {
            s.push_str(&format!(
                "  {}{}  {}  since {}  ({})\n",
                safe(&k.name),
                if k.lead { " (lead)" } else { "" },
                k.key,
                k.added_at,
                safe(&k.how)
            ));
        }
    }
    s
}

pub fn end_in_body() -> String {
    "an end marker in the middle of the bundle".into()
}

pub fn refused(path: &Path, why: &str) -> String {
    format!("{}: refused, nothing merged: {why}", path.display())
}

pub fn wrote(
    path: &Path,
    reviews: usize,
    decisions: usize,
    calibrations: &[crate::domain::calibration::Calibration],
) -> String {
    let mut s = format!(
        "{}: {reviews} reviews and {decisions} lead decisions",
        path.display()
    );
    // A calibration travels with every bundle of the store that made it: say so, so the lead
    // knows the auditors will meet its cards first.
    for c in calibrations {
        s.push_str(&format!("\n  {}", calibration(c)));
    }
    s
}

/// One calibration a bundle carries: its id, stage, who started it and for whom.
fn calibration(c: &crate::domain::calibration::Calibration) -> String {
    use crate::text::safe::line;
    format!(
        "calibration {} of «{}» by {}, for {} ({} cards)",
        &c.id[..8.min(c.id.len())],
        line(&c.stage),
        line(&c.created_by),
        c.auditors
            .iter()
            .map(|a| line(a).into_owned())
            .collect::<Vec<_>>()
            .join(", "),
        c.cards.len()
    )
}

pub fn merged(
    path: &Path,
    r: &crate::domain::merge::MergeReport,
    carried: &[crate::domain::calibration::Calibration],
) -> String {
    let mut s = format!(
        "{}: {} new reviews, {} already here, {} newly withdrawn; {} new lead decisions, {} already here",
        path.display(),
        r.reviews_added,
        r.reviews_known,
        r.reviews_withdrawn,
        r.decisions_added,
        r.decisions_known
    );
    if !carried.is_empty() {
        s.push_str(&format!(
            "; {} new calibrations, {} already here",
            r.calibrations_added,
            carried.len() as u64 - r.calibrations_added.min(carried.len() as u64)
        ));
        for c in carried {
            s.push_str(&format!("\n  {}", calibration(c)));
        }
        if r.calibrations_added > 0 {
            s.push_str("\n  the cards of a new calibration come first in its auditors' queues");
        }
    }
    if r.keys_added > 0 {
        s.push_str(&format!(
            "\n  {} keys newly trusted (on first use, or vouched for by the lead): see `okk bundle keys`",
            r.keys_added
        ));
    }
    if r.waiting_for_cards > 0 {
        s.push_str(&format!(
            "\n  {} reviews are of cards this store does not have yet: they attach when a sync \
             brings them",
            r.waiting_for_cards
        ));
    }
    s
}

pub fn empty_name() -> String {
    "--as needs a name".into()
}

pub fn not_a_signing_key(path: &Path, e: &dyn std::fmt::Display) -> String {
    format!("{}: not an okk signing key ({e})", path.display())
}
