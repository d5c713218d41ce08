//! The value inside a mutable Python object (`Ledger`, `Receivables`, `Checklist`,
//! `TicketFlow`): a mutex and the thread holding it, so the classes can be `frozen`
//! and shared between threads.
//!
//! - A call from another thread waits for the running one, with the GIL released
//!   while it waits (`MutexExt::lock_py_attached`), instead of pyo3's
//!   `RuntimeError("Already borrowed")`.
//! - The lock is taken after the arguments are read (Python code such as a
//!   DataFrame's `to_dicts` or a row's `__iter__` runs before it), so such a callback
//!   may use the same object. A call that needs the lock while this same thread holds
//!   it cannot wait (it would wait for itself): it raises `estatekit.StateError` with
//!   code `busy`, path the class name.
//! - A lock poisoned by a panic (a bug, reported as `InternalError`) is recovered:
//!   every core operation checks before it changes anything, so the value is whole.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use pyo3::prelude::*;
use pyo3::sync::MutexExt;

/// A value shared by the Python threads using one object.
pub(crate) struct Shared<T> {
    value: Mutex<T>,
    /// The holder's [`this_thread`] id, 0 when unlocked.
    owner: AtomicU64,
    /// The Python class name, for the `busy` error.
    name: &'static str,
}

/// A small id of the calling thread (never 0).
fn this_thread() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local! {
        static ID: u64 = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    ID.with(|id| *id)
}

/// The value, locked by this thread until dropped.
pub(crate) struct Held<'a, T> {
    guard: MutexGuard<'a, T>,
    owner: &'a AtomicU64,
}

impl<T> Drop for Held<'_, T> {
    fn drop(&mut self) {
        // Runs before `guard` unlocks: a thread that sees the lock taken never reads
        // the id of a holder that has left.
        self.owner.store(0, Ordering::Release);
    }
}

impl<T> Deref for Held<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for Held<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T> Shared<T> {
    /// Wraps `value` for the class `name`.
    pub(crate) fn new(name: &'static str, value: T) -> Self {
        Self {
            value: Mutex::new(value),
            owner: AtomicU64::new(0),
            name,
        }
    }

    /// Locks the value: waits (GIL released) for another thread, raises
    /// `StateError(code="busy")` if this thread holds it already.
    pub(crate) fn lock(&self) -> PyResult<Held<'_, T>> {
        let me = this_thread();
        let guard = match self.value.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::Poisoned(p)) => self.recover(p),
            Err(std::sync::TryLockError::WouldBlock) => {
                if self.owner.load(Ordering::Acquire) == me {
                    return Err(crate::raise(
                        crate::ErrorClass::State,
                        "busy",
                        self.name,
                        format!(
                            "{}: busy: a call on this object is running on this thread \
                             (a callback called it again); call it once that call returns",
                            self.name
                        ),
                    ));
                }
                Python::attach(|py| self.value.lock_py_attached(py))
                    .unwrap_or_else(|p| self.recover(p))
            }
        };
        self.owner.store(me, Ordering::Release);
        Ok(Held {
            guard,
            owner: &self.owner,
        })
    }

    fn recover<'a>(&'a self, p: PoisonError<MutexGuard<'a, T>>) -> MutexGuard<'a, T> {
        // A poisoned lock means a call panicked (reported as InternalError); the core's
        // operations are all-or-nothing, so the value is still consistent.
        self.value.clear_poison();
        p.into_inner()
    }

    /// Runs `f` on both values, locked in address order (two threads comparing
    /// `a == b` and `b == a` cannot deadlock); the same object is locked once.
    pub(crate) fn with_both<R>(&self, other: &Self, f: impl FnOnce(&T, &T) -> R) -> PyResult<R> {
        if std::ptr::eq(self, other) {
            let v = self.lock()?;
            return Ok(f(&v, &v));
        }
        if (self as *const Self) < (other as *const Self) {
            let a = self.lock()?;
            let b = other.lock()?;
            Ok(f(&a, &b))
        } else {
            let b = other.lock()?;
            let a = self.lock()?;
            Ok(f(&a, &b))
        }
    }

    /// A test hook: holds the lock while `callback()` runs, then panics if `panic`.
    #[cfg(feature = "test-hooks")]
    pub(crate) fn hold_for_test(&self, callback: &Bound<'_, PyAny>, panic: bool) -> PyResult<()> {
        let _held = self.lock()?;
        callback.call0()?;
        if panic {
            panic!("a test panic while {} is locked", self.name);
        }
        Ok(())
    }
}

/// `__eq__` of two objects holding `Shared` values: by value (`same`); the same
/// object is equal to itself without locking; `other` of another type is not equal.
pub(crate) fn eq_by<T, C>(
    me: &Shared<T>,
    other: &Bound<'_, PyAny>,
    get: impl Fn(&C) -> &Shared<T>,
    same: impl FnOnce(&T, &T) -> bool,
) -> PyResult<bool>
where
    C: pyo3::PyClass<Frozen = pyo3::pyclass::boolean_struct::True> + Sync,
{
    match other.cast::<C>() {
        // The same object: equal, without taking the lock (it may be held by a call
        // running on this thread).
        Ok(o) if std::ptr::eq(me, get(o.get())) => Ok(true),
        Ok(o) => me.with_both(get(o.get()), same),
        Err(_) => Ok(false),
    }
}
