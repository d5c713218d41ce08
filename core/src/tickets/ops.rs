//! Operation counters for the scaling tests: not a stable API (hidden from the docs).
//!
//! Bulk entry points count their units of work here (one relaxed thread-local
//! increment at coarse points, never per byte), so that tests can check that ten times
//! the input costs about ten times the work without timing anything.
//!
//! ```
//! use estatekit::tickets::ops::{self, Op};
//! ops::reset();
//! assert_eq!(ops::get(Op::RepeatChecks), 0);
//! ```

use std::cell::Cell;

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Statistics: (flow, earlier flow) pairs examined for repeat detection.
    RepeatChecks,
    /// Statistics: key comparisons made sorting the flows for repeat detection.
    RepeatSortCompares,
    /// Rule classifier: work outside the per-byte automaton loop (match-state visits,
    /// phrase lists walked, hits merged).
    RuleMatchWork,
    /// Model training: (class, example) visits of the solver plus weight cells
    /// allocated.
    TrainWork,
}

const N: usize = 4;

thread_local! {
    static COUNTS: [Cell<u64>; N] = const { [const { Cell::new(0) }; N] };
}

/// Adds `n` to the counter of `op` (this thread).
#[inline]
pub(crate) fn add(op: Op, n: u64) {
    COUNTS.with(|c| {
        let cell = &c[op as usize];
        cell.set(cell.get().wrapping_add(n));
    });
}

/// The counter of `op` on this thread.
pub fn get(op: Op) -> u64 {
    COUNTS.with(|c| c[op as usize].get())
}

/// Sets every counter of this thread to 0.
pub fn reset() {
    COUNTS.with(|c| c.iter().for_each(|x| x.set(0)));
}
