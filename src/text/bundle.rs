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

pub fn wrote(path: &Path, reviews: usize, decisions: usize) -> String {
    format!(
        "{}: {reviews} reviews and {decisions} lead decisions",
        path.display()
    )
}

pub fn merged(path: &Path, r: &crate::store::bundle::MergeReport) -> String {
    let mut s = format!(
        "{}: {} new reviews, {} already here, {} newly withdrawn; {} new lead decisions, {} already here",
        path.display(),
        r.reviews_added,
        r.reviews_known,
        r.reviews_withdrawn,
        r.decisions_added,
        r.decisions_known
    );
    if r.waiting_for_cards > 0 {
        s.push_str(&format!(
            "\n  {} reviews are of cards this store does not have yet: they attach when a sync \
             brings them",
            r.waiting_for_cards
        ));
    }
    s
}
