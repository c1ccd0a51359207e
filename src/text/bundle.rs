//! Words of `okk bundle`.

use std::path::Path;

use super::safe::line as safe;
use crate::domain::merge::DecisionOverWithdrawal;

/// A public key (64 hex digits) as a message names it: its first 16 digits, enough to tell keys
/// apart.
fn short(key: &str) -> &str {
    key.get(..16).unwrap_or(key)
}

pub fn empty() -> String {
    crate::tr!("bundle-empty")
}

pub fn not_a_bundle() -> String {
    crate::tr!("bundle-not-a-bundle")
}

pub fn unknown_version(v: u64) -> String {
    if v < 2 {
        return crate::tr!("bundle-unsigned-version", v = v);
    }
    crate::tr!("bundle-unknown-version", v = v)
}

pub fn truncated() -> String {
    crate::tr!("bundle-truncated")
}

pub fn checksum() -> String {
    crate::tr!("bundle-checksum")
}

pub fn bad_line(line: usize, message: &str) -> String {
    crate::tr!("bundle-bad-line", line = line, message = safe(message))
}

pub fn line_too_long(line: usize, cap: usize) -> String {
    crate::tr!("bundle-line-too-long", line = line, mib = cap >> 20)
}

pub fn bad_bundle_signature() -> String {
    crate::tr!("bundle-bad-bundle-signature")
}

pub fn bad_time(field: &str, value: &str) -> String {
    crate::tr!("bundle-bad-time", field = field, value = safe(value))
}

pub fn time_out_of_window(field: &str, value: &str, latest: &chrono::NaiveDateTime) -> String {
    crate::tr!(
        "bundle-time-out-of-window",
        field = field,
        value = safe(value),
        latest = latest.format("%Y-%m-%d %H:%M:%S").to_string()
    )
}

pub fn bad_key(key: &str) -> String {
    crate::tr!("bundle-bad-key", key = safe(key))
}

pub fn vouch_conflict(by: &str, name: &str, key: &str, here: &str) -> String {
    crate::tr!(
        "bundle-vouch-conflict",
        by = safe(by),
        key = short(key),
        name = safe(name),
        here = safe(here)
    )
}

/// How a key was trusted as the store records it (okk's words, in every language).
pub fn how_vouched(by: &str, file: &str) -> String {
    crate::domain::trust::how_vouched(&safe(by), &safe(file))
}

pub fn how_first_use(file: &str) -> String {
    crate::domain::trust::how_first_use(&safe(file))
}

/// How a trusted key came, in the user's words.
fn how(k: &crate::domain::trust::TrustedKey) -> String {
    use crate::domain::trust::How;
    match k.how() {
        How::Trusted => crate::tr!("bundle-how-trusted"),
        How::FirstUse { file } => crate::tr!("bundle-how-first-use", file = safe(file)),
        How::Vouched { by, file } => {
            crate::tr!("bundle-how-vouched", by = safe(by), file = safe(file))
        }
        How::Other(how) => safe(how).into_owned(),
    }
}

pub fn what_review(id: &str, auditor: &str) -> String {
    crate::tr!("bundle-what-review", id = safe(id), name = safe(auditor))
}

pub fn what_decision(id: &str, lead: &str) -> String {
    crate::tr!("bundle-what-decision", id = safe(id), name = safe(lead))
}

pub fn what_calibration(id: &str, lead: &str) -> String {
    crate::tr!("bundle-what-calibration", id = safe(id), name = safe(lead))
}

/// A calibration's end, as a refusal names it.
pub fn what_calibration_end(id: &str, by: &str) -> String {
    crate::tr!(
        "bundle-what-calibration-end",
        id = safe(id),
        name = safe(by)
    )
}

/// A calibration record with `ended_at` and no `ended_by`, or the other way.
pub fn half_an_end(what: &str) -> String {
    crate::tr!("bundle-half-an-end", what = what)
}

/// An end dated before its calibration began.
pub fn end_before_start(what: &str, start: &str) -> String {
    crate::tr!("bundle-end-before-start", what = what, start = safe(start))
}

/// An end signed by an auditor's key (not a lead's) of another's calibration.
pub fn end_not_lead(what: &str, by: &str, creator: &str) -> String {
    crate::tr!(
        "bundle-end-not-lead",
        what = what,
        by = safe(by),
        creator = safe(creator)
    )
}

/// The card as judged that a review record carries, as a refusal names it.
pub fn what_judged(what: &str) -> String {
    crate::tr!("bundle-what-judged", what = what)
}

/// The card as judged `what` is refused: why, in words.
pub fn judged_invalid(what: &str, e: &crate::domain::as_judged::SnapshotError) -> String {
    use crate::domain::as_judged::{self as j, SnapshotError as E};
    let why = match e {
        E::TooLong { bytes } => crate::tr!(
            "bundle-judged-too-long",
            bytes = *bytes,
            limit = j::TEXT_LIMIT
        ),
        E::Shape(detail) => crate::tr!("bundle-judged-shape", detail = safe(detail)),
        E::Twice(field) => crate::tr!("bundle-judged-twice", field = safe(field)),
        E::TooManyFields(count) => crate::tr!(
            "bundle-judged-too-many",
            count = *count,
            limit = j::FIELDS_KEPT
        ),
        E::BadName => crate::tr!("bundle-judged-bad-name", limit = j::NAME_LIMIT),
        E::ValueTooLong(field) => crate::tr!("bundle-judged-value-too-long", field = safe(field)),
        E::BadDigest(d) => crate::tr!("bundle-judged-bad-digest", digest = safe(d)),
        E::NotAsWritten => crate::tr!("bundle-judged-not-as-written"),
    };
    crate::tr!("bundle-judged-invalid", what = what, why = why)
}

pub fn what_withdrawal(what: &str) -> String {
    crate::tr!("bundle-what-withdrawal", what = what)
}

pub fn unsigned(what: &str) -> String {
    crate::tr!("bundle-unsigned", what = what)
}

pub fn bad_signature(what: &str) -> String {
    crate::tr!("bundle-bad-signature", what = what)
}

pub fn unknown_key(what: &str, claimed: &str, key: &str) -> String {
    crate::tr!(
        "bundle-unknown-key",
        what = what,
        short = short(key),
        claimed = safe(claimed),
        key = key
    )
}

/// A record in `claimed`'s name signed by `key`, unknown here, while the store trusts `known`
/// as `claimed`: said as the impostor it may be, with the check that tells (`first_use`: the
/// import asked to take unknown keys, which it does not for a name that has one).
pub fn unknown_key_for_known_name(
    what: &str,
    claimed: &str,
    key: &str,
    known: &[String],
    first_use: bool,
) -> String {
    crate::tr!(
        "bundle-unknown-key-for-known-name",
        what = what,
        short = short(key),
        claimed = safe(claimed),
        key = key,
        count = known.len(),
        known = shorts(known),
        first_use = if first_use { "yes" } else { "no" }
    )
}

/// `okk bundle trust KEY --as NAME` refused: `name` has other keys here (`known`), and another
/// one in the name is taken only with `--another-key`, once its owner has confirmed it.
pub fn another_key(key: &str, name: &str, known: &[String]) -> String {
    crate::tr!(
        "bundle-trust-another-key",
        short = short(key),
        name = safe(name),
        count = known.len(),
        known = shorts(known)
    )
}

/// Keys as messages name them ([`short`]), in a list.
fn shorts(keys: &[String]) -> String {
    keys.iter().map(|k| short(k)).collect::<Vec<_>>().join(", ")
}

pub fn forged_name(what: &str, author: &str, signer: &str) -> String {
    crate::tr!(
        "bundle-forged-name",
        what = what,
        signer = safe(signer),
        author = safe(author)
    )
}

/// `okk bundle export` without a name on a store holding several people's work, none the
/// login's: whose it could sign.
pub fn signer_unnamed(authors: &[String]) -> String {
    let names = authors
        .iter()
        .map(|a| safe(a))
        .collect::<Vec<_>>()
        .join(", ");
    crate::tr!("bundle-signer-unnamed", names = names)
}

/// The records `okk bundle export` left out, by author: made here in others' names.
pub fn left_out(signer: &str, by_author: &std::collections::BTreeMap<String, u64>) -> String {
    let names = by_author
        .iter()
        .map(|(name, n)| format!("{} — {}", safe(name), super::common::int(*n as i64)))
        .collect::<Vec<_>>()
        .join(", ");
    crate::tr!(
        "bundle-left-out",
        count = by_author.values().sum::<u64>(),
        names = names,
        signer = safe(signer)
    )
}

/// A bundle from a store file copied from a team server: its records copied from the server
/// stay out (the server has them).
pub fn from_server(count: u64) -> String {
    crate::tr!("bundle-from-server", count = count)
}

pub fn withdrawal_by_other(what: &str, signer: &str) -> String {
    crate::tr!(
        "bundle-withdrawal-by-other",
        what = what,
        signer = safe(signer)
    )
}

pub fn own_key_not_made_here(what: &str) -> String {
    crate::tr!("bundle-own-key-not-made-here", what = what)
}

pub fn conflict(what: &str) -> String {
    crate::tr!("bundle-conflict", what = what)
}

/// The first export made this okk's key (at `path`): what the others do with it, by the
/// bundle `out` — each auditor trusts a lead's as the lead's, the lead trusts an auditor's.
pub fn key_made(path: &Path, key: &str, signer: &str, lead: bool, out: &Path) -> String {
    let file = match crate::domain::output::is_stdout(out) {
        true => crate::tr!("bundle-file"),
        // The file as it reaches the others: by its name, wherever they keep it.
        false => {
            let name = out.file_name().map_or(out.as_os_str(), |n| n);
            super::shell::last_arg(&name.to_string_lossy())
        }
    };
    let (path, file) = (path.display().to_string(), safe(&file).into_owned());
    let name = super::shell::word(&safe(signer)).into_owned();
    if lead {
        return crate::tr!(
            "bundle-key-made-lead",
            path = path,
            key = key,
            file = file,
            name = name
        );
    }
    crate::tr!(
        "bundle-key-made",
        path = path,
        key = key,
        file = file,
        name = name
    )
}

pub fn no_key_file(path: &Path) -> String {
    crate::tr!("bundle-no-key-file", path = path.display().to_string())
}

pub fn not_a_key(given: &str) -> String {
    crate::tr!("bundle-not-a-key", given = safe(given))
}

pub fn trusted(
    key: &str,
    name: &str,
    lead: bool,
    outcome: &crate::domain::trust::Trusted,
) -> String {
    use crate::domain::trust::Trusted;
    let role = if lead {
        format!(" ({})", crate::tr!("bundle-lead"))
    } else {
        String::new()
    };
    match outcome {
        Trusted::Added => crate::tr!(
            "bundle-trusted-added",
            key = short(key),
            name = safe(name),
            role = role
        ),
        Trusted::Updated => crate::tr!(
            "bundle-trusted-already",
            key = short(key),
            name = safe(name),
            role = role
        ),
        Trusted::OtherName(other) => {
            crate::tr!(
                "bundle-trusted-other-name",
                key = short(key),
                name = safe(other)
            )
        }
    }
}

pub fn keys(own: Option<&str>, trusted: &[crate::domain::trust::TrustedKey]) -> String {
    let mut s = match own {
        Some(k) => crate::tr!("bundle-own-key", key = k),
        None => crate::tr!("bundle-own-key-none"),
    };
    s.push('\n');
    if trusted.is_empty() {
        s.push_str(&crate::tr!("bundle-trusted-none"));
        s.push('\n');
    } else {
        s.push_str(&crate::tr!("bundle-trusted-keys"));
        s.push('\n');
        for k in trusted {
            let role = if k.lead {
                format!(" ({})", crate::tr!("bundle-lead"))
            } else {
                String::new()
            };
            s.push_str(&format!(
                "  {}{}  {}  {}  ({})\n",
                safe(&k.name),
                role,
                k.key,
                crate::tr!("bundle-since", at = super::common::stored_time(&k.added_at)),
                how(k)
            ));
        }
    }
    s
}

pub fn end_in_body() -> String {
    crate::tr!("bundle-end-in-body")
}

pub fn refused(path: &Path, why: &str) -> String {
    crate::tr!(
        "bundle-refused",
        path = path.display().to_string(),
        why = why
    )
}

pub fn wrote(
    path: &Path,
    reviews: usize,
    decisions: usize,
    calibrations: &[crate::domain::calibration::Calibration],
) -> String {
    let mut s = crate::tr!(
        "bundle-wrote",
        path = super::common::output(path),
        reviews = reviews,
        decisions = decisions
    );
    // A calibration travels with every bundle of the store that made it: say so, so the lead
    // knows the auditors will meet its cards first.
    for c in calibrations {
        s.push_str(&format!("\n  {}", calibration(c)));
    }
    s
}

/// One calibration a bundle carries: its id, stage, who started it and for whom, and its end.
fn calibration(c: &crate::domain::calibration::Calibration) -> String {
    use crate::text::safe::line;
    let auditors = c
        .auditors
        .iter()
        .map(|a| line(a).into_owned())
        .collect::<Vec<_>>()
        .join(", ");
    let said = crate::tr!(
        "bundle-calibration",
        id = line(&c.id[..8.min(c.id.len())]),
        stage = line(&c.stage),
        by = line(&c.created_by),
        auditors = auditors,
        cards = c.cards.len()
    );
    match &c.end {
        Some(end) => format!("{said}, {}", super::calibrate::ended(end)),
        None => said,
    }
}

pub fn merged(
    path: &Path,
    r: &crate::domain::merge::MergeReport,
    carried: &[crate::domain::calibration::Calibration],
) -> String {
    let mut s = crate::tr!(
        "bundle-merged",
        path = path.display().to_string(),
        reviews = r.reviews_added,
        reviews_known = r.reviews_known,
        withdrawn = r.reviews_withdrawn,
        decisions = r.decisions_added,
        decisions_known = r.decisions_known
    );
    if !carried.is_empty() {
        let known = carried.len() as u64 - r.calibrations_added.min(carried.len() as u64);
        s.push_str("; ");
        s.push_str(&crate::tr!(
            "bundle-merged-calibrations",
            added = r.calibrations_added,
            known = known
        ));
        for c in carried {
            s.push_str(&format!("\n  {}", calibration(c)));
        }
        if carried.iter().any(|c| c.is_open()) && r.calibrations_added > 0 {
            s.push_str("\n  ");
            s.push_str(&crate::tr!("bundle-calibration-first"));
        }
        if r.calibrations_ended > 0 {
            s.push_str("\n  ");
            s.push_str(&crate::tr!(
                "bundle-calibrations-ended",
                n = r.calibrations_ended
            ));
        }
    }
    if r.keys_added > 0 {
        s.push_str("\n  ");
        s.push_str(&crate::tr!("bundle-keys-added", n = r.keys_added));
    }
    if r.waiting_for_cards > 0 {
        s.push_str("\n  ");
        s.push_str(&crate::tr!("bundle-waiting", n = r.waiting_for_cards));
        s.push_str("\n  ");
        s.push_str(&crate::tr!("bundle-waiting-how"));
    }
    if r.after_decision > 0 {
        s.push_str("\n  ");
        s.push_str(&crate::tr!("bundle-after-decision", n = r.after_decision));
    }
    for k in &r.withdrawals_kept {
        s.push_str("\n  ");
        s.push_str(&withdrawal_kept(k));
    }
    for k in &r.withdrawals_lifted {
        s.push_str("\n  ");
        s.push_str(&withdrawal_lifted(k));
    }
    s
}

/// A withdrawal of a review the merge did not apply: the lead's decision on it stands, or was
/// taken back only after the withdrawal was made (the verdict stands then, the decision not).
fn withdrawal_kept(k: &DecisionOverWithdrawal) -> String {
    use crate::text::safe::line;
    let (card, auditor, lead) = (line(&k.card), line(&k.auditor), line(&k.lead));
    let decision = k.decision.as_str();
    if k.taken_back {
        return crate::tr!(
            "bundle-withdrawal-kept-taken-back",
            card = card,
            auditor = auditor,
            lead = lead,
            decision = decision
        );
    }
    crate::tr!(
        "bundle-withdrawal-kept",
        card = card,
        auditor = auditor,
        lead = lead,
        decision = decision
    )
}

/// A withdrawal of a review the store held that the merge lifted: it brought the lead's
/// decision on the review, which stands or was taken back only after the withdrawal.
fn withdrawal_lifted(k: &DecisionOverWithdrawal) -> String {
    use crate::text::safe::line;
    let (card, auditor, lead) = (line(&k.card), line(&k.auditor), line(&k.lead));
    let decision = k.decision.as_str();
    if k.taken_back {
        return crate::tr!(
            "bundle-withdrawal-lifted-taken-back",
            card = card,
            auditor = auditor,
            lead = lead,
            decision = decision
        );
    }
    crate::tr!(
        "bundle-withdrawal-lifted",
        card = card,
        auditor = auditor,
        lead = lead,
        decision = decision
    )
}

pub fn empty_name() -> String {
    crate::tr!("bundle-empty-name")
}

pub fn not_a_signing_key(path: &Path, e: &dyn std::fmt::Display) -> String {
    crate::tr!(
        "bundle-not-a-signing-key",
        path = path.display().to_string(),
        error = e.to_string()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::merge::MergeReport;
    use crate::text::lang::{Lang, with};

    fn ones() -> MergeReport {
        MergeReport {
            reviews_added: 1,
            reviews_known: 0,
            reviews_withdrawn: 0,
            decisions_added: 1,
            decisions_known: 2,
            calibrations_added: 0,
            calibrations_ended: 0,
            keys_added: 1,
            waiting_for_cards: 1,
            after_decision: 1,
            withdrawals_kept: Vec::new(),
            withdrawals_lifted: Vec::new(),
        }
    }

    #[test]
    fn one_of_a_kind_is_said_in_the_singular_in_both_languages() {
        let en = with(Lang::En, || merged(Path::new("a.okkb"), &ones(), &[]));
        for said in [
            "a.okkb: 1 new review, 0 already here",
            "1 new lead decision, 2 already here",
            "1 key newly trusted",
            "1 review is of a card this store does not have yet: it attaches",
            "1 review came after the lead's decision on its card: the decision stands, \
             awaiting the lead",
        ] {
            assert!(en.contains(said), "{said}: {en}");
        }
        let wrote = with(Lang::En, || wrote(Path::new("a.okkb"), 1, 1, &[]));
        assert_eq!(wrote, "a.okkb: 1 review and 1 lead decision");
        let ru = with(Lang::Ru, || merged(Path::new("a.okkb"), &ones(), &[]));
        for said in [
            "новых доверенных ключей: 1",
            "ещё нет: 1; она привяжется",
            "1 проверка сделана после решения руководителя по её карточке: решение в силе, \
             проверка ждёт руководителя",
        ] {
            assert!(ru.contains(said), "{said}: {ru}");
        }
    }
}
