//! Document seals on mobile: `seal(text, key)` and `unseal(text, key)` (HMAC-SHA256
//! over the canonical JSON, `estatekit::integrity`), for a checklist or ledger that
//! travels between devices. This file converts.

use estatekit::integrity;
use estatekit_ffi_guard::guard;

use crate::EstateKitError;

/// Seals a JSON document (a ledger, a book, a checklist, a ticket flow) with `key`
/// (at least 16 bytes): returns `{"document": …, "hmac_sha256": …}` as text.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn seal(text: String, key: Vec<u8>) -> Result<String, EstateKitError> {
    Ok(integrity::seal(&text, &key)?)
}

/// Checks a sealed document against `key` and returns the document's JSON text, for
/// the type's own `fromJson`; fails with code `seal_mismatch` when anything in it was
/// edited or another key sealed it.
#[guard(crate::panic_guard)]
#[uniffi::export]
pub fn unseal(text: String, key: Vec<u8>) -> Result<String, EstateKitError> {
    Ok(integrity::unseal(&text, &key)?)
}
