//! Words of `okk bundle`.

use std::path::Path;

pub fn empty() -> String {
    "the file is empty: not an okk bundle".into()
}

pub fn not_a_bundle() -> String {
    "not an okk bundle (the first line is not an okk bundle header): write one with \
     `okk bundle export --out FILE`"
        .into()
}

pub fn unknown_version(v: u64) -> String {
    format!("bundle format version {v} is unknown to this okk (it reads version 1): update okk")
}

pub fn truncated() -> String {
    "the bundle is cut short (its end marker or some records are missing): copy it again".into()
}

pub fn checksum() -> String {
    "the bundle's checksum does not match its contents (it was altered or damaged): copy it again"
        .into()
}

pub fn bad_line(line: usize, message: &str) -> String {
    format!("record {line}: {message}")
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
    calibrations: &[crate::store::calibration::Calibration],
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
fn calibration(c: &crate::store::calibration::Calibration) -> String {
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
    r: &crate::store::bundle::MergeReport,
    carried: &[crate::store::calibration::Calibration],
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
    if r.waiting_for_cards > 0 {
        s.push_str(&format!(
            "\n  {} reviews are of cards this store does not have yet: they attach when a sync \
             brings them",
            r.waiting_for_cards
        ));
    }
    s
}
