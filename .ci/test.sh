#!/usr/bin/env bash
# EstateKit's test command: installs what the tests need, then runs every test.
#   Rust (fmt, clippy, unit, scenario, property and doc tests, bad-input tables, thread
#   tests), supply chain (cargo deny), a fuzz smoke run (every target a few seconds),
#   Python (pytest, stubtest), Kotlin (kotlin.test on the JVM with JNA), Swift (tree-sitter
#   syntax check), the README's snippets (Python run by pytest, Kotlin compiled and run with
#   the Kotlin tests, Swift parsed and its names checked against the bindings). The bindings
#   are built with the `test-hooks` feature (a deliberate panic, to test that panics surface
#   as typed internal errors).
# Tools go to target/tools (see .ci/tools.sh); fails on the first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tgt=${CARGO_TARGET_DIR:-target}
step() { printf '\n==== %s\n' "$*"; }

step "tools"
source .ci/tools.sh

step "rust: fmt, clippy"
cargo fmt --all --check
cargo fmt --manifest-path fuzz/Cargo.toml --check
grep -q '^#!\[forbid(unsafe_code)\]' core/src/lib.rs || { echo "core must keep #![forbid(unsafe_code)]" >&2; exit 1; }
cargo clippy --workspace --all-targets --locked \
  --features estatekit-python/test-hooks,estatekit-mobile/test-hooks -- -D warnings

step "rust: tests"
cargo test --workspace --locked

step "rust: API docs build without broken or redundant links"
RUSTDOCFLAGS="-D warnings" cargo doc -p estatekit --no-deps --locked

step "supply chain: cargo deny (licenses, bans, sources; advisories when reachable)"
.ci/deny.sh

step "fuzz: smoke run, ${ESTATEKIT_FUZZ_SECONDS:=3}s per target"
fuzz/run.sh "$ESTATEKIT_FUZZ_SECONDS"

step "demo: runs"
cargo run -q --locked -p estatekit-examples --bin estatekit-demo >/dev/null

step "python: build (maturin) and install into $VIRTUAL_ENV"
rm -rf "$tgt/wheels"
maturin build --locked -q -m bindings-python/Cargo.toml --features test-hooks --out "$tgt/wheels"
"$VENV_PY" -m pip install -q --force-reinstall --no-deps "$tgt"/wheels/estatekit-*.whl

step "python: pytest"
(cd bindings-python && "$VENV_PY" -m pytest -q -p no:cacheprovider tests)

step "python: stubtest"
(cd "$tgt" && "$VENV_PY" -m mypy.stubtest --mypy-config-file /dev/null estatekit)

step "examples: the Dask portfolio (a LocalCluster of 2 workers against one process)"
(cd examples && "$VENV_PY" -m pytest -q -p no:cacheprovider tests)

step "mobile: build the library and generate Kotlin and Swift bindings"
cargo build --locked -p estatekit-mobile --features test-hooks
cargo build --locked -p uniffi-bindgen
rm -rf "$tgt/bindings"
"$tgt/debug/uniffi-bindgen" generate --no-format --library "$tgt/debug/libestatekit_mobile.so" \
  --language kotlin --language swift --out-dir "$tgt/bindings"

step "readme: the Kotlin and Swift snippets, as a Kotlin test and a Swift file"
"$VENV_PY" .ci/readme_snippets.py README.md --kotlin "$tgt/bindings/ReadmeSnippetsTest.kt" \
  --swift "$tgt/bindings/ReadmeSnippets.swift" --swift-api "$tgt/bindings/EstateKit.swift"

step "kotlin: tests (with the README's snippets)"
KOTLINC_FLAGS=-nowarn .ci/kotlin_test.sh "$tgt/bindings" bindings-mobile/tests/kotlin "$tgt/debug" "$tgt/kotlin-test"

step "swift: syntax check (the bindings and the iOS example)"
"$VENV_PY" .ci/swift_check.py "$tgt/bindings/EstateKit.swift" \
  examples/ios/Package.swift examples/ios/Sources/AppFlow/main.swift "$tgt/bindings/ReadmeSnippets.swift"

step "all tests passed"
