//! Checks on lists of ids that run once per input record, where std's SipHash (built
//! to resist hash flooding from untrusted peers) costs more than the rest of the
//! check: a multiply-rotate hash in the style of rustc's `FxHasher`. Ids come from the
//! estate's own documents; a crafted set of colliding ids slows a check down, it does
//! not change its answer.

use std::hash::Hasher;

/// The multiply-rotate hasher (`FxHasher`'s constant and step), 8 bytes at a time.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some((word, tail)) = rest.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*word));
            rest = tail;
        }
        if let Some((word, tail)) = rest.split_first_chunk::<4>() {
            self.add(u64::from(u32::from_le_bytes(*word)));
            rest = tail;
        }
        if let Some((word, tail)) = rest.split_first_chunk::<2>() {
            self.add(u64::from(u16::from_le_bytes(*word)));
            rest = tail;
        }
        if let Some(&b) = rest.first() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// The first id that appears a second time, in input order.
///
/// An open-addressing table of indices into the ids (linear probing, at most half
/// full), hashed with [`IdHasher`]'s high bits: one pass, no per-id allocation, and no
/// generic hash-map insert that the compiler may decline to inline into a hot loop.
pub(crate) fn first_duplicate<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> Option<&'a str> {
    const EMPTY: usize = usize::MAX;
    let ids: Vec<&str> = ids.collect();
    let bits = (ids.len() * 2).max(8).next_power_of_two().trailing_zeros();
    let mask = (1usize << bits) - 1;
    let mut slots = vec![EMPTY; 1 << bits];
    for (i, id) in ids.iter().enumerate() {
        let mut h = IdHasher::default();
        h.write(id.as_bytes());
        // The multiply leaves its best-mixed bits at the top.
        let mut at = (h.finish() >> (64 - bits)) as usize;
        loop {
            match slots[at] {
                EMPTY => {
                    slots[at] = i;
                    break;
                }
                j if ids[j] == *id => return Some(id),
                _ => at = (at + 1) & mask,
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_the_second_occurrence_in_order() {
        assert_eq!(first_duplicate(["a", "b", "c"].into_iter()), None);
        assert_eq!(first_duplicate(["a", "b", "b", "a"].into_iter()), Some("b"));
        // Ids that differ only past the first 8 bytes, or only in length.
        assert_eq!(
            first_duplicate(["unit-0000-1", "unit-0000-2", "unit-0000", "unit-0000\0"].into_iter()),
            None
        );
        assert_eq!(first_duplicate(std::iter::empty()), None);
        // 10,000 distinct ids, then one given again: the table grows with the input.
        let mut many: Vec<String> = (0..10_000)
            .map(|i| format!("B{:02}-U{i:05}", i % 20))
            .collect();
        assert_eq!(first_duplicate(many.iter().map(String::as_str)), None);
        many.push("B07-U04567".into());
        assert_eq!(
            first_duplicate(many.iter().map(String::as_str)),
            Some("B07-U04567")
        );
    }

    proptest! {
        /// Agrees with a plain std `HashSet` scan.
        #[test]
        fn agrees_with_std(ids in proptest::collection::vec("[a-c0-2-]{0,10}", 0..40)) {
            let mut seen = std::collections::HashSet::new();
            let plain = ids.iter().map(String::as_str).find(|id| !seen.insert(*id));
            prop_assert_eq!(first_duplicate(ids.iter().map(String::as_str)), plain);
        }
    }
}
