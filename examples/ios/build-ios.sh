#!/usr/bin/env bash
# Build EstateKit for Apple platforms on a Mac: the static library for iOS devices,
# the iOS simulator (arm64 + x86_64, merged with lipo) and macOS, wrapped with the
# generated C header and module map into EstateKitFFI.xcframework, and the Swift
# bindings into Sources/EstateKit/. Needs Xcode and the Rust targets
# (`rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin`).
#   examples/ios/build-ios.sh     then: swift build, or add the package in Xcode
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
[[ $(uname) == Darwin ]] || { echo "build-ios.sh runs on macOS (xcodebuild, lipo)" >&2; exit 1; }
cd "$root"
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios aarch64-apple-darwin)
for t in "${targets[@]}"; do
  cargo build --release --locked -p estatekit-mobile --target "$t"
done
cargo build --release --locked -p uniffi-bindgen
gen=$(mktemp -d)
target/release/uniffi-bindgen generate --library target/aarch64-apple-darwin/release/libestatekit_mobile.dylib \
  --language swift --out-dir "$gen"
# The Swift API goes to the package's source target; the header and module map to
# each slice of the framework (the module map must be named module.modulemap).
mkdir -p "$here/Sources/EstateKit" && cp "$gen/EstateKit.swift" "$here/Sources/EstateKit/"
headers=$(mktemp -d)
cp "$gen/EstateKitFFI.h" "$headers/"
cp "$gen/EstateKitFFI.modulemap" "$headers/module.modulemap"
sim=target/ios-sim-universal/release
mkdir -p "$sim"
lipo -create target/aarch64-apple-ios-sim/release/libestatekit_mobile.a \
  target/x86_64-apple-ios/release/libestatekit_mobile.a -output "$sim/libestatekit_mobile.a"
rm -rf "$here/EstateKitFFI.xcframework"
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/release/libestatekit_mobile.a -headers "$headers" \
  -library "$sim/libestatekit_mobile.a" -headers "$headers" \
  -library target/aarch64-apple-darwin/release/libestatekit_mobile.a -headers "$headers" \
  -output "$here/EstateKitFFI.xcframework"
echo "built $here/EstateKitFFI.xcframework and Sources/EstateKit/EstateKit.swift"
echo "next: (cd $here && swift run AppFlow)   or add the package to an Xcode project"
