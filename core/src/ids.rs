//! Checks on lists of ids that run once per input record, where std's SipHash (built
//! to resist hash flooding from untrusted peers) costs more than the rest of the
//! check: a multiply-rotate hash in the style of rustc's `FxHasher`. Ids come from the
//! estate's own documents; a crafted set of colliding ids slows a check down, it does
//! not change its answer.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

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
pub(crate) fn first_duplicate<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen: HashSet<&str, BuildHasherDefault<IdHasher>> =
        HashSet::with_capacity_and_hasher(ids.len(), BuildHasherDefault::default());
    ids.into_iter().find(|id| !seen.insert(id))
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
