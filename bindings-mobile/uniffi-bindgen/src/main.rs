//! The UniFFI bindings generator for `estatekit-mobile`, pinned to the workspace's uniffi.
//!
//! `cargo run -p uniffi-bindgen -- generate --library target/debug/libestatekit_mobile.so --language kotlin --out-dir OUT`

fn main() {
    uniffi::uniffi_bindgen_main()
}
