//! TEMPORARY shim (b24-dec-kt): the occupant registry as a document only, until the
//! registry binding of branch b24-registry is merged; that file replaces this one.

use estatekit::registry;

crate::json_object! {
    /// The occupant registry (客户档案).
    pub struct Registry(mutex registry::Registry);
}

impl Registry {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, registry::Registry> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}
