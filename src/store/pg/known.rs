//! The cards of one source as an import onto the server finds them, loaded once when it begins
//! and looked up in memory after: a round trip per row would cost more than the whole COPY.
//! Compact on purpose (the ids in one buffer, stages and pipelines by number): 300,000 cards
//! take about 12 MB.

use postgres::fallible_iterator::FallibleIterator;

use crate::domain::fx::FxMap;
use crate::store::StoreError;
use crate::store::cards::Existing;

/// A pipeline-less card's pipeline number.
const NO_PIPELINE: u32 = u32::MAX;

/// The end of a chain of new cards whose ids hash alike.
const END: u32 = u32::MAX;

/// One card as the import needs it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    pub id: i64,
    pub hash: i64,
    stage: u32,
    pipeline: u32,
    pub gone: bool,
    /// Some values did not parse last time.
    pub invalid: bool,
}

/// A card this import inserted, as a lookup needs it.
#[derive(Debug, Clone, Copy)]
struct NewCard {
    hash: i64,
    stage: u32,
    invalid: bool,
}

/// Stage and pipeline names, each kept once.
#[derive(Default)]
struct Names {
    list: Vec<String>,
    index: FxMap<String, u32>,
}

impl Names {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.index.get(name) {
            return n;
        }
        let n = self.list.len() as u32;
        self.list.push(name.to_string());
        self.index.insert(name.to_string(), n);
        n
    }

    fn pipeline(&mut self, name: Option<&str>) -> u32 {
        name.map_or(NO_PIPELINE, |p| self.number(p))
    }
}

/// The source's cards before the import (sorted by external id) and those it inserted.
#[derive(Default)]
pub(super) struct Known {
    /// The external ids one after another; `ends[i]` is where the i-th ends.
    ids: String,
    ends: Vec<u32>,
    slots: Vec<Slot>,
    /// Cards this import inserted, for a row that repeats one, in the order of their ids (the
    /// first is `first_new`): their external ids one after another, found by the ids' 64-bit
    /// hash (`new_next` chains the rare ones that hash alike), and what a lookup returns. No
    /// allocation per card: a first import of 300,000 cards keeps about 15 MB here.
    new_ids: String,
    new_ends: Vec<u32>,
    new_index: FxMap<u64, u32>,
    new_next: Vec<u32>,
    added: Vec<NewCard>,
    first_new: i64,
    names: Names,
}

impl Known {
    /// The source's cards, in the transaction's snapshot.
    pub(super) fn load(
        tx: &mut postgres::Transaction<'_>,
        source: &str,
    ) -> Result<Known, StoreError> {
        let mut known = Known::default();
        let mut rows = tx.query_raw(
            "SELECT id, external_id, coalesce(export_digest, content_hash), gone_at IS NOT NULL,
                    stage, invalid <> '{}', pipeline
             FROM cards WHERE source = $1 ORDER BY external_id",
            [source],
        )?;
        let mut sorted = true;
        let mut last_start = 0;
        while let Some(r) = rows.next()? {
            let id: &str = r.get(1);
            let start = known.ids.len();
            if start > 0 && known.ids[last_start..] >= *id {
                sorted = false;
            }
            last_start = start;
            known.ids.push_str(id);
            known.ends.push(known.ids.len() as u32);
            let stage = known.names.number(r.get(4));
            let pipeline = known.names.pipeline(r.get(6));
            known.slots.push(Slot {
                id: r.get(0),
                hash: r.get(2),
                stage,
                pipeline,
                gone: r.get(3),
                invalid: r.get(5),
            });
        }
        if !sorted {
            known.sort();
        }
        Ok(known)
    }

    /// Sorts by external id when the server's order was not Rust's (a collation other than
    /// "C" on the column).
    fn sort(&mut self) {
        let mut order: Vec<usize> = (0..self.slots.len()).collect();
        order.sort_unstable_by(|&a, &b| self.key(a).cmp(self.key(b)));
        let (mut ids, mut ends) = (String::with_capacity(self.ids.len()), Vec::new());
        let slots = order.iter().map(|&i| self.slots[i]).collect();
        for &i in &order {
            ids.push_str(self.key(i));
            ends.push(ids.len() as u32);
        }
        (self.ids, self.ends, self.slots) = (ids, ends, slots);
    }

    fn key(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.ids[start..self.ends[i] as usize]
    }

    /// The source held no cards.
    pub(super) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The card with this external id, held before or inserted by this import.
    pub(super) fn find(&self, external_id: &str) -> Option<Slot> {
        if let Some(i) = self.held(external_id) {
            return Some(self.slots[i]);
        }
        let mut at = self
            .new_index
            .get(&xxhash_rust::xxh3::xxh3_64(external_id.as_bytes()))
            .copied()
            .unwrap_or(END);
        while at != END {
            let i = at as usize;
            let start = if i == 0 {
                0
            } else {
                self.new_ends[i - 1] as usize
            };
            if &self.new_ids[start..self.new_ends[i] as usize] == external_id {
                let c = self.added[i];
                return Some(Slot {
                    id: self.first_new + i as i64,
                    hash: c.hash,
                    stage: c.stage,
                    pipeline: NO_PIPELINE,
                    gone: false,
                    invalid: c.invalid,
                });
            }
            at = self.new_next[i];
        }
        None
    }

    /// Where the card with this external id sits among those held before the import.
    fn held(&self, external_id: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.slots.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.key(mid).cmp(external_id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// A card held before that this import wrote anew: a later row repeating its id is told
    /// apart by the digest written (as a store file's lookup sees its own writes).
    pub(super) fn rewritten(&mut self, external_id: &str, hash: i64) {
        if let Some(i) = self.held(external_id) {
            self.slots[i].hash = hash;
        }
    }

    /// A card this import inserts; new cards come in the order of their ids, one apart.
    pub(super) fn add_new(
        &mut self,
        external_id: &str,
        id: i64,
        hash: i64,
        stage: &str,
        invalid: bool,
    ) {
        let stage = self.names.number(stage);
        if self.added.is_empty() {
            self.first_new = id;
        }
        debug_assert_eq!(id, self.first_new + self.added.len() as i64);
        let i = self.added.len() as u32;
        let key = xxhash_rust::xxh3::xxh3_64(external_id.as_bytes());
        self.new_next
            .push(self.new_index.insert(key, i).unwrap_or(END));
        self.new_ids.push_str(external_id);
        self.new_ends.push(self.new_ids.len() as u32);
        self.added.push(NewCard {
            hash,
            stage,
            invalid,
        });
    }

    /// The card as the pipeline sees it. Its first pipeline and batch are the server's to
    /// read (the stage history is written in SQL).
    pub(super) fn existing(&self, slot: &Slot) -> Existing {
        Existing {
            id: slot.id,
            hash: slot.hash,
            gone: slot.gone,
            stage: self.names.list[slot.stage as usize].clone(),
            has_invalid: slot.invalid,
            // The import keeps it as the scope of a file without a pipeline column.
            pipeline: (slot.pipeline != NO_PIPELINE)
                .then(|| self.names.list[slot.pipeline as usize].clone()),
            first_batch: 0,
        }
    }

    /// The cards held before, not gone, in one of `scopes` (pipelines) and not `seen`: those a
    /// full export of the scopes no longer has.
    pub(super) fn missing(
        &self,
        scopes: &[Option<String>],
        seen: impl Fn(i64) -> bool,
    ) -> Vec<i64> {
        let pipelines: Vec<u32> = scopes
            .iter()
            .filter_map(|s| match s {
                None => Some(NO_PIPELINE),
                Some(p) => self.names.index.get(p).copied(),
            })
            .collect();
        let mut ids: Vec<i64> = self
            .slots
            .iter()
            .filter(|s| !s.gone && pipelines.contains(&s.pipeline) && !seen(s.id))
            .map(|s| s.id)
            .collect();
        ids.sort_unstable();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(ids: &[&str]) -> Known {
        let mut k = Known::default();
        for (n, id) in ids.iter().enumerate() {
            k.ids.push_str(id);
            k.ends.push(k.ids.len() as u32);
            let stage = k.names.number("S");
            let pipeline = k.names.pipeline((n % 2 == 0).then_some("P"));
            k.slots.push(Slot {
                id: n as i64 + 1,
                hash: 7,
                stage,
                pipeline,
                gone: false,
                invalid: false,
            });
        }
        k.sort();
        k
    }

    #[test]
    fn cards_are_found_by_external_id_whatever_order_they_came_in() {
        let mut k = known(&["b", "a10", "a2", "Ж"]);
        assert_eq!(k.find("a2").map(|s| s.id), Some(3));
        assert_eq!(k.find("Ж").map(|s| s.id), Some(4));
        assert!(k.find("a").is_none());
        k.add_new("c", 9, 1, "T", false);
        assert_eq!(k.find("c").map(|s| s.id), Some(9));
        k.add_new("d", 10, 2, "T", true);
        assert_eq!(
            k.find("d").map(|s| (s.id, s.hash, s.invalid)),
            Some((10, 2, true))
        );
        assert_eq!(
            k.find("c").map(|s| (s.id, s.hash, s.invalid)),
            Some((9, 1, false))
        );
        assert_eq!(k.existing(&k.find("c").unwrap()).stage, "T");
        assert_eq!(k.existing(&k.find("b").unwrap()).pipeline(), Some("P"));
        assert_eq!(k.existing(&k.find("a10").unwrap()).pipeline(), None);
        assert_eq!(k.missing(&[Some("P".into())], |id| id == 3), vec![1]);
        assert_eq!(k.missing(&[None], |_| false), vec![2, 4]);
    }
}
