//! The UniFFI bindings generator for `estatekit-mobile`, pinned to the workspace's uniffi.
//!
//! `cargo run -p uniffi-bindgen -- generate --no-format --library target/debug/libestatekit_mobile.so --language kotlin --out-dir OUT`
//!
//! After UniFFI has written the Kotlin, two changes are made to it (and checked, so a
//! UniFFI upgrade that changes the template fails here instead of losing them):
//! - each call into Rust reuses its thread's call-status structure instead of
//!   allocating a JNA `Structure` per call. That allocation was most of a call's cost on
//!   the JVM (about 14 KB of garbage and, on the project's machines, 20 µs of a 26 µs
//!   call); see `benches/kotlin/`. A call made while another is in progress on the same
//!   thread (a nested call) takes a fresh structure, so reuse never mixes two calls'
//!   statuses;
//! - a call on an object after `close()` throws `EstateKitException.State` with code
//!   `closed` (path: the class name) instead of a bare `IllegalStateException`, so that
//!   every error the library raises is an `EstateKitException`.

use std::path::{Path, PathBuf};

/// The template's per-call allocation, as UniFFI 0.32 writes it.
const ALLOCATING: &str = "\
private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    var status = UniffiRustCallStatus()
    val return_value = callback(status)
    uniffiCheckCallStatus(errorHandler, status)
    return return_value
}";

/// The same function, reusing the thread's structure. JNA writes the structure's
/// fields to native memory before the call and reads them back after it, so the code
/// is reset to success before each call; after an error the error buffer (freed by
/// the error's lift) is replaced so that no stale pointer is ever written again.
const REUSING: &str = "\
private val uniffiCallStatusCache = ThreadLocal<UniffiRustCallStatus>()

private inline fun <U, E: kotlin.Exception> uniffiRustCallWithError(errorHandler: UniffiRustCallStatusErrorHandler<E>, callback: (UniffiRustCallStatus) -> U): U {
    // EstateKit: one call-status structure per thread, taken while a call uses it.
    val cached = uniffiCallStatusCache.get()
    val status = if (cached != null) { uniffiCallStatusCache.set(null); cached } else UniffiRustCallStatus()
    status.code = UNIFFI_CALL_SUCCESS
    try {
        val return_value = callback(status)
        uniffiCheckCallStatus(errorHandler, status)
        return return_value
    } finally {
        if (status.code != UNIFFI_CALL_SUCCESS) {
            status.code = UNIFFI_CALL_SUCCESS
            status.error_buf = RustBuffer.ByValue()
        }
        uniffiCallStatusCache.set(status)
    }
}";

/// The template's use-after-close error, once per object class.
const DESTROYED: &str = r#"throw IllegalStateException("${this.javaClass.simpleName} object has already been destroyed")"#;

/// The same as a typed error (`closed` in `diagnostic::ERROR_CODES`).
const CLOSED: &str = r#"throw EstateKitException.State("closed", this.javaClass.simpleName, "${this.javaClass.simpleName} is closed: called after close()", "${this.javaClass.simpleName}：对象已关闭", "${this.javaClass.simpleName}: the object is closed (called after close())")"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    uniffi::uniffi_bindgen_main();
    let generates_kotlin = args.get(1).is_some_and(|a| a == "generate")
        && args
            .windows(2)
            .any(|w| (w[0] == "--language" || w[0] == "-l") && w[1] == "kotlin");
    if !generates_kotlin {
        return;
    }
    let out = args
        .windows(2)
        .find(|w| w[0] == "--out-dir" || w[0] == "-o")
        .map(|w| PathBuf::from(&w[1]))
        .unwrap_or_else(|| PathBuf::from("."));
    match patch_kotlin(&out) {
        Ok(0) => fail(&format!(
            "no generated Kotlin under {} has UniFFI's call-status function as this \
             generator expects it: generate with --no-format (a formatter rewrites it), or \
             update ALLOCATING in bindings-mobile/uniffi-bindgen for a new UniFFI",
            out.display()
        )),
        Ok(_) => {}
        Err(e) => fail(&format!("patching the generated Kotlin: {e}")),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("uniffi-bindgen (estatekit): {message}");
    std::process::exit(1)
}

/// Patches every generated `.kt` file under `dir` that has the allocating function;
/// returns how many were patched.
fn patch_kotlin(dir: &Path) -> std::io::Result<usize> {
    let mut patched = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            patched += patch_kotlin(&path)?;
        } else if path.extension().is_some_and(|e| e == "kt") {
            let text = std::fs::read_to_string(&path)?;
            if text.contains(ALLOCATING) {
                if !text.contains(DESTROYED) {
                    return Err(std::io::Error::other(format!(
                        "{} has no use-after-close error as this generator expects it",
                        path.display()
                    )));
                }
                let text = text
                    .replacen(ALLOCATING, REUSING, 1)
                    .replace(DESTROYED, CLOSED);
                std::fs::write(&path, text)?;
                patched += 1;
            }
        }
    }
    Ok(patched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_the_call_status_function_once_per_file_and_nothing_else() {
        let dir = std::env::temp_dir().join(format!("estatekit-bindgen-{}", std::process::id()));
        let nested = dir.join("io/estatekit");
        std::fs::create_dir_all(&nested).unwrap();
        let generated = format!(
            "package io.estatekit\n\n{ALLOCATING}\n\nfun a() {{ {DESTROYED} }}\nfun b() {{ {DESTROYED} }}\n"
        );
        std::fs::write(nested.join("estatekit.kt"), &generated).unwrap();
        std::fs::write(dir.join("Other.kt"), "fun x() = 2\n").unwrap();
        std::fs::write(dir.join("EstateKit.swift"), ALLOCATING).unwrap();

        assert_eq!(patch_kotlin(&dir).unwrap(), 1);
        let patched = std::fs::read_to_string(nested.join("estatekit.kt")).unwrap();
        assert_eq!(
            patched,
            generated
                .replacen(ALLOCATING, REUSING, 1)
                .replace(DESTROYED, CLOSED)
        );
        assert!(!patched.contains("var status = UniffiRustCallStatus()"));
        assert_eq!(patched.matches(CLOSED).count(), 2);
        assert!(!patched.contains("IllegalStateException"));
        assert_eq!(
            std::fs::read_to_string(dir.join("Other.kt")).unwrap(),
            "fun x() = 2\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("EstateKit.swift")).unwrap(),
            ALLOCATING
        );
        // Generating again over patched files finds nothing left to patch.
        assert_eq!(patch_kotlin(&dir).unwrap(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
