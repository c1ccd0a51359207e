//! The digest of what an export says about a card: a hash of the card's non-empty cells (all
//! rows of the card, for Bitrix24 product rows) under their header names, seeded with what
//! decides how cells become a card (the profile, the source, [`MAPPING_VERSION`]). Equal digests
//! mean "unchanged since", which lets a re-import skip unchanged rows without mapping them.
//!
//! Cells are taken in the order of their header names, not of the columns, so an export with
//! its columns in another order (or with an extra, empty column) changes nothing.

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::mapper::Mapper;

/// Bump when a change to the mapping code makes the same cells give a different card, so that
/// the next import re-maps every card once.
pub const MAPPING_VERSION: u32 = 1;

#[derive(Debug, Clone)]
pub struct Seed {
    seed: u64,
    /// Column indices in the order of their header names.
    order: Vec<usize>,
}

impl Seed {
    pub fn new(mapper: &Mapper, source: &str) -> Seed {
        // Profile's Debug output is deterministic (its maps are BTreeMaps).
        let basis = format!(
            "okk mapping {MAPPING_VERSION}\0{:?}\0{source}",
            mapper.profile()
        );
        let names = mapper.names();
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_by(|&a, &b| names[a].cmp(&names[b]));
        let sorted: Vec<&str> = order.iter().map(|&i| names[i].as_str()).collect();
        let basis = format!("{basis}\0{sorted:?}");
        Seed {
            seed: xxh3_64(basis.as_bytes()),
            order,
        }
    }

    pub fn hasher(&self) -> Xxh3 {
        Xxh3::with_seed(self.seed)
    }

    /// Adds one row's cells (one per header column) to a card's digest. A cell is tagged with
    /// its column's rank among the sorted header names, which the seed fixes.
    pub fn add_row(&self, h: &mut Xxh3, cells: &[&str]) {
        for (rank, &i) in self.order.iter().enumerate() {
            let cell = cells.get(i).copied().unwrap_or("");
            if cell.bytes().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let mut tag = [0u8; 8];
            tag[..4].copy_from_slice(&(rank as u32).to_le_bytes());
            tag[4..].copy_from_slice(&(cell.len() as u32).to_le_bytes());
            h.update(&tag);
            h.update(cell.as_bytes());
        }
        h.update(b"\n");
    }
}

pub fn finish(h: &Xxh3) -> i64 {
    h.digest() as i64
}
