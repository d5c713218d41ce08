//! Streaming over millions of records: keeping enough memory loads in flight.
//!
//! A loop doing a few dozen instructions per record keeps only a handful of cache
//! misses outstanding, so for arrays far larger than the cache it waits on memory
//! instead of computing. Before each block of records, [`touch`] loads one field per
//! cache line of the *next* block; those loads are independent of each other and of
//! the computation, so they are in flight together. The late-penalty batch uses it;
//! the billing loops do not (see `benches/README.md` for the measurements).

/// Records per block (the look-ahead distance).
pub(crate) const BLOCK: usize = 64;

/// Loads `key` of one record per cache line of `items[from..from + BLOCK]` and
/// returns a value depending on all of them (pass it to [`std::hint::black_box`] once
/// at the end, so the loads are not optimized away).
#[inline(always)]
pub(crate) fn touch<T>(items: &[T], from: usize, key: impl Fn(&T) -> u32) -> u32 {
    let step = (64 / std::mem::size_of::<T>().max(1)).max(1);
    let mut acc = 0u32;
    // A plain loop: `fold` over these adapters compiled to slower code.
    for x in items.iter().skip(from).take(BLOCK).step_by(step) {
        acc = acc.wrapping_add(key(x));
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touch_reads_one_record_per_cache_line_of_the_block() {
        let v: Vec<u64> = (0..200).collect();
        // u64: 8 a line, so records 64, 72, ..., 120 of the block 64..128.
        assert_eq!(
            touch(&v, 64, |x| *x as u32),
            (64..128).step_by(8).sum::<u64>() as u32
        );
        assert_eq!(touch(&v, 190, |x| *x as u32), 190 + 198);
        assert_eq!(touch(&v, 500, |x| *x as u32), 0);
    }
}
