//! The digest of what an export says about a card: a hash of the row's raw cells (all rows of
//! the card, for Bitrix24 product rows), seeded with everything that decides how cells become a
//! card (okk's version, the profile, the header, the source). Equal digests mean "unchanged
//! since", which lets a re-import skip unchanged rows without mapping them.

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::profile::Profile;

#[derive(Debug, Clone, Copy)]
pub struct Seed(u64);

impl Seed {
    pub fn new(profile: &Profile, header: &[String], source: &str) -> Seed {
        // Profile's Debug output is deterministic (its maps are BTreeMaps).
        let basis = format!(
            "okk {}\0{profile:?}\0{header:?}\0{source}",
            env!("CARGO_PKG_VERSION")
        );
        Seed(xxh3_64(basis.as_bytes()))
    }

    pub fn hasher(self) -> Xxh3 {
        Xxh3::with_seed(self.0)
    }
}

/// Adds one row's cells to a card's digest.
pub fn add_row<'a>(h: &mut Xxh3, cells: impl IntoIterator<Item = &'a str>) {
    for c in cells {
        h.update(&(c.len() as u32).to_le_bytes());
        h.update(c.as_bytes());
    }
    h.update(b"\n");
}

pub fn finish(h: &Xxh3) -> i64 {
    h.digest() as i64
}
