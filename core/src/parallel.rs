//! The machine's cores: work split in contiguous chunks, put back in order.
//! (Placeholder of the lead's branch; replaced by the threads branch's module.)

/// Number of cores available to this process (1 when unknown).
///
/// ```
/// assert!(estatekit::parallel::available() >= 1);
/// ```
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Threads to use for a requested count: 0 = every available core; at most 256.
///
/// ```
/// assert_eq!(estatekit::parallel::resolve(3), 3);
/// assert_eq!(estatekit::parallel::resolve(0), estatekit::parallel::available().min(256));
/// ```
pub fn resolve(threads: u32) -> usize {
    match threads {
        0 => available().min(256),
        n => (n as usize).min(256),
    }
}

/// `f(offset, chunk)` over contiguous chunks of `items` on up to `threads` threads
/// (chunks of at least `min_per_thread` items; one chunk runs on the caller's thread),
/// results in chunk order.
pub(crate) fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    min_per_thread: usize,
    f: impl Fn(usize, &[T]) -> R + Sync,
) -> Vec<R> {
    let n = threads.min(items.len() / min_per_thread.max(1)).max(1);
    if n == 1 {
        return vec![f(0, items)];
    }
    let size = items.len().div_ceil(n);
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(size)
            .enumerate()
            .map(|(i, chunk)| scope.spawn(move || f(i * size, chunk)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}
