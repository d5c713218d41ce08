//! Operation counters for the scaling tests: not a stable API (hidden from the docs).
//!
//! ```
//! use estatekit::checkin::ops::{self, Op};
//! ops::reset();
//! assert_eq!(ops::get(Op::ItemVisits), 0);
//! ```

use std::cell::Cell;

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Checklist queries: item states looked at.
    ItemVisits,
    /// Checklist queries and template checks: steps and dependency edges looked at.
    StepVisits,
}

const N: usize = 2;

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
