//! A fast hash for the maps a pass over every card looks up per card (analytics, fill rates).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hash (Firefox's, rustc's): eight bytes at a time. A pass over a million cards looks
/// its maps up by short stage, owner and field names and card ids, several times a card;
/// SipHash, the standard one, took a tenth of the pass. Its defence against keys chosen to
/// collide is not needed: there are a few hundred names, and a collision costs time, never a
/// wrong count.
#[derive(Default)]
pub struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("eight bytes")));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_i64(&mut self, n: i64) {
        self.add(n as u64);
    }
}

/// A map hashed with [`Fx`].
pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A set hashed by [`Fx`].
pub type FxSet<K> = HashSet<K, BuildHasherDefault<Fx>>;
