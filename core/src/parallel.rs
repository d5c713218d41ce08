//! Using the machine's cores: the crate's one way to run work on several threads
//! (the standard library's scoped threads, no thread pool and no extra crate).
//!
//! A batch is cut into contiguous chunks, each chunk is computed on its own thread
//! exactly as the one-thread batch would compute it, and the pieces are put back
//! together in input order: the result is the same whatever the thread count, by
//! construction. The public entry points that take a `threads: u32` count read it with
//! [`resolve`]: `0` is every core the process may use ([`available`]), `n` is `n`
//! threads (at most [`MAX_THREADS`]); a batch too small to be worth splitting runs on
//! the caller's thread alone.
//!
//! ```
//! use estatekit::tickets::TicketClassifier;
//! let clf = TicketClassifier::default_rules();
//! let texts = vec!["停电了"; 1000];
//! let all_cores = clf.classify_batch_threads(&texts, 0);
//! assert_eq!(all_cores, clf.classify_batch(&texts));
//! assert!(estatekit::parallel::resolve(0) >= 1);
//! ```

use std::num::NonZeroUsize;
use std::panic::resume_unwind;

/// The largest thread count a batch uses (a larger request is capped; the bindings
/// refuse it with `out_of_range` at path `threads`).
///
/// ```
/// assert_eq!(estatekit::parallel::resolve(10_000), estatekit::parallel::MAX_THREADS as usize);
/// ```
pub const MAX_THREADS: u32 = 256;

/// The number of threads the process may run at once
/// ([`std::thread::available_parallelism`]), or 1 when it cannot be known.
///
/// ```
/// assert!(estatekit::parallel::available() >= 1);
/// ```
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// The thread count a `threads` argument asks for: `0` is every core
/// ([`available`]), `n` is `n`, capped at [`MAX_THREADS`].
///
/// ```
/// use estatekit::parallel::{available, resolve};
/// assert_eq!(resolve(0), available());
/// assert_eq!((resolve(1), resolve(3)), (1, 3));
/// assert_eq!(resolve(u32::MAX), 256);
/// ```
pub fn resolve(threads: u32) -> usize {
    match threads {
        0 => available(),
        n => n.min(MAX_THREADS) as usize,
    }
}

/// How many chunks `len` items are cut into: at most `threads`, each of at least
/// `min_per_thread` items (at least one chunk, even for no items).
fn chunk_count(len: usize, threads: usize, min_per_thread: usize) -> usize {
    threads.min(len / min_per_thread.max(1)).max(1)
}

/// Runs `f(offset, chunk)` on contiguous chunks of `items` (at most `threads` of them,
/// each of at least `min_per_thread` items, sizes differing by at most one; `offset` is
/// the index of the chunk's first item in `items`) and returns the results in chunk
/// order. The first chunk runs on the caller's thread, the others on scoped threads; a
/// single chunk (few items, or `threads` ≤ 1) spawns nothing. A panic in `f` on any
/// thread is resumed on the caller (after every thread has finished), the first chunk's
/// first.
///
/// Deterministic by construction: the chunks depend only on `items.len()`,
/// `threads` and `min_per_thread`, and a caller that concatenates the results in order
/// gets what one chunk would give, as long as `f` on a chunk is `f` on its items.
pub(crate) fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    min_per_thread: usize,
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    let n = chunk_count(items.len(), threads, min_per_thread);
    if n == 1 {
        return vec![f(0, items)];
    }
    // Balanced: the first `len % n` chunks have one item more.
    let (base, extra) = (items.len() / n, items.len() % n);
    let bounds = (0..n).map(|k| {
        let start = k * base + k.min(extra);
        (start, start + base + usize::from(k < extra))
    });
    let f = &f;
    std::thread::scope(|scope| {
        let mut bounds = bounds;
        let first = bounds.next();
        let handles: Vec<_> = bounds
            .map(|(start, end)| scope.spawn(move || f(start, &items[start..end])))
            .collect();
        let mut out = Vec::with_capacity(n);
        // The caller's share; a panic here is resumed by `scope` once the others end.
        if let Some((start, end)) = first {
            out.push(f(start, &items[start..end]));
        }
        let mut panic = None;
        for h in handles {
            match h.join() {
                Ok(r) => out.push(r),
                Err(payload) => {
                    panic.get_or_insert(payload);
                }
            }
        }
        if let Some(payload) = panic {
            resume_unwind(payload);
        }
        out
    })
}

/// The pieces of [`map_chunks`] concatenated in order (the only piece is returned as
/// it is, not copied).
pub(crate) fn concat<R>(mut parts: Vec<Vec<R>>) -> Vec<R> {
    if parts.len() == 1 {
        return parts.pop().expect("one part: its length was checked");
    }
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        out.extend(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn resolve_zero_is_every_core_and_caps() {
        assert_eq!(resolve(0), available());
        assert_eq!(resolve(1), 1);
        assert_eq!(resolve(256), 256);
        assert_eq!(resolve(257), 256);
    }

    #[test]
    fn chunks_are_contiguous_balanced_and_at_least_the_minimum() {
        let items: Vec<u32> = (0..10).collect();
        let parts = map_chunks(&items, 3, 3, |off, c| (off, c.to_vec()));
        assert_eq!(
            parts,
            vec![
                (0, vec![0, 1, 2, 3]),
                (4, vec![4, 5, 6]),
                (7, vec![7, 8, 9])
            ]
        );
        // 10 items, at least 4 a chunk: two chunks, not three.
        let parts = map_chunks(&items, 8, 4, |off, c| (off, c.len()));
        assert_eq!(parts, vec![(0, 5), (5, 5)]);
    }

    #[test]
    fn small_inputs_run_on_the_callers_thread() {
        let me = std::thread::current().id();
        let items = [1u8; 10];
        let parts = map_chunks(&items, 8, 100, |off, c| {
            (off, c.len(), std::thread::current().id())
        });
        assert_eq!(parts, vec![(0, 10, me)]);
        let parts = map_chunks(&items, 1, 1, |_, c| (c.len(), std::thread::current().id()));
        assert_eq!(parts, vec![(10, me)]);
        // No items: one empty chunk.
        let none: [u8; 0] = [];
        assert_eq!(
            map_chunks(&none, 4, 1, |off, c| (off, c.len())),
            vec![(0, 0)]
        );
        // A minimum of 0 is taken as 1.
        assert_eq!(map_chunks(&items[..2], 4, 0, |_, c| c.len()), vec![1, 1]);
    }

    #[test]
    fn chunks_run_on_other_threads_and_the_first_on_the_caller() {
        let me = std::thread::current().id();
        let items = [0u8; 40];
        let ids = map_chunks(&items, 4, 10, |_, _| std::thread::current().id());
        assert_eq!(ids.len(), 4);
        assert_eq!(ids[0], me);
        assert!(ids[1..].iter().all(|&id| id != me));
    }

    #[test]
    fn a_panic_in_a_worker_reaches_the_caller_after_every_chunk_ran() {
        let ran = AtomicUsize::new(0);
        let items: Vec<u32> = (0..40).collect();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            map_chunks(&items, 4, 10, |off, c| {
                ran.fetch_add(1, Ordering::SeqCst);
                if off == 20 {
                    panic!("chunk at {off} failed");
                }
                c.len()
            })
        }));
        let payload = caught.unwrap_err();
        assert_eq!(
            payload.downcast_ref::<String>().unwrap(),
            "chunk at 20 failed"
        );
        assert_eq!(ran.load(Ordering::SeqCst), 4);
    }

    #[test]
    fn a_panic_on_the_callers_chunk_is_resumed_too() {
        let items = [0u8; 40];
        let caught = std::panic::catch_unwind(|| {
            map_chunks(&items, 4, 10, |off, _| {
                assert_ne!(off, 0, "first chunk");
                off
            })
        });
        assert!(caught.is_err());
    }

    #[test]
    fn concat_keeps_order_and_the_single_piece() {
        assert_eq!(concat(vec![vec![1, 2], vec![], vec![3]]), vec![1, 2, 3]);
        let one = vec![7u8; 3];
        let ptr = one.as_ptr();
        let back = concat(vec![one]);
        assert_eq!(back.as_ptr(), ptr);
        assert!(concat::<u8>(vec![]).is_empty());
    }

    proptest! {
        #[test]
        fn chunking_never_changes_the_concatenated_output(
            items in proptest::collection::vec(any::<i32>(), 0..500),
            threads in 0usize..12,
            min in 0usize..50,
        ) {
            // A function of each item and of its global index (the offset is used).
            let f = |off: usize, c: &[i32]| -> Vec<i64> {
                c.iter().enumerate().map(|(k, &x)| i64::from(x) * 3 - (off + k) as i64).collect()
            };
            let one = f(0, &items);
            let parts = map_chunks(&items, threads, min, f);
            prop_assert!(parts.len() <= threads.max(1));
            prop_assert_eq!(concat(parts), one);
        }
    }
}
