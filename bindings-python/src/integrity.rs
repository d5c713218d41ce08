//! Document seals in Python: `seal(text, key)` and `unseal(text, key)` (HMAC-SHA256
//! over the canonical JSON, `estatekit::integrity`). This file converts.

use estatekit::integrity;
use estatekit_ffi_guard::guard;
use pyo3::prelude::*;

use crate::record::register;

use crate::to_py;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    register!(m: ; seal, unseal)
}

/// Seals a JSON document (a ledger, a book, a checklist, a ticket flow) with `key`
/// (bytes, at least 16): returns `{"document": …, "hmac_sha256": …}` as text.
#[guard(crate::panic_guard)]
#[pyfunction]
fn seal(#[pyo3(from_py_with = crate::args::str_ref)] text: &str, key: &[u8]) -> PyResult<String> {
    integrity::seal(text, key).map_err(to_py)
}

/// Checks a sealed document against `key` and returns the document's JSON text, for
/// the type's own `from_json`; raises `ValidationError` (code `seal_mismatch`) when
/// anything in it was edited or another key sealed it.
#[guard(crate::panic_guard)]
#[pyfunction]
fn unseal(#[pyo3(from_py_with = crate::args::str_ref)] text: &str, key: &[u8]) -> PyResult<String> {
    integrity::unseal(text, key).map_err(to_py)
}
