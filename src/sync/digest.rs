//! The digest of what an export says about a card: a hash of the card's non-empty cells (all
//! rows of the card, for Bitrix24 product rows) under their header names, seeded with what
//! decides how cells become a card (the profile, the source, [`MAPPING_VERSION`]). Equal digests
//! mean "unchanged since", which lets a re-import skip unchanged rows without mapping them.
//!
//! Cells are taken in the order of their header names, not of the columns, so an export with
//! its columns in another order (or with an extra, empty column) changes nothing.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use super::mapper::Mapper;

/// Bump when a change to the mapping code makes the same cells give a different card, so that
/// the next import re-maps every card once.
pub const MAPPING_VERSION: u32 = 2;

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

    /// Adds one row's cells (one per header column) to a card's digest input. A cell is
    /// tagged with its column's rank among the sorted header names, which the seed fixes.
    /// The input is hashed in one go by [`Seed::finish`]: one pass over a contiguous buffer is
    /// several times cheaper than feeding a streaming hasher cell by cell.
    pub fn add_row(&self, buf: &mut Vec<u8>, cells: &[&str]) {
        self.add_row_as(buf, cells, None);
    }

    /// [`Seed::add_row`] as an export that named the stage `old` would have given it: the cell
    /// of column `stage` reads `old` where it reads `new` (trimmed). An import compares it with
    /// the stored digest to tell a stage the CRM only renamed from a card that changed.
    pub fn add_row_with_stage(
        &self,
        buf: &mut Vec<u8>,
        cells: &[&str],
        stage: usize,
        (new, old): (&str, &str),
    ) {
        self.add_row_as(buf, cells, Some((stage, new, old)));
    }

    fn add_row_as(&self, buf: &mut Vec<u8>, cells: &[&str], stage: Option<(usize, &str, &str)>) {
        for (rank, &i) in self.order.iter().enumerate() {
            let mut cell = cells.get(i).copied().unwrap_or("");
            if let Some((col, new, old)) = stage
                && col == i
                && cell.trim() == new
            {
                cell = old;
            }
            if cell.bytes().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            buf.extend_from_slice(&(rank as u32).to_le_bytes());
            buf.extend_from_slice(&(cell.len() as u32).to_le_bytes());
            buf.extend_from_slice(cell.as_bytes());
        }
        buf.push(b'\n');
    }

    pub fn finish(&self, buf: &[u8]) -> i64 {
        xxh3_64_with_seed(buf, self.seed) as i64
    }
}
