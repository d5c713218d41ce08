#!/usr/bin/env bash
# Build EstateKit for Android: libestatekit_mobile.so for each ABI (with cargo-ndk)
# into estatekit/src/main/jniLibs/<abi>/, and the Kotlin bindings into
# estatekit/src/main/kotlin/. Needs the Android NDK (ANDROID_NDK_HOME, or
# ANDROID_HOME/ndk/<version>), `cargo install cargo-ndk`, and the Rust targets
# (`rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android`).
#   examples/android/build-android.sh [--debug]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
profile=release flag=--release
[[ ${1:-} == --debug ]] && profile=debug flag=
command -v cargo-ndk >/dev/null || { echo "cargo-ndk is missing: cargo install cargo-ndk" >&2; exit 1; }
[[ -n ${ANDROID_NDK_HOME:-} || -n ${ANDROID_HOME:-} ]] || { echo "set ANDROID_NDK_HOME to the NDK" >&2; exit 1; }
lib=$here/estatekit/src/main
cd "$root"
# 1. The native library per ABI (API 26: the minSdk of the module).
cargo ndk --platform 26 -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$lib/jniLibs" \
  build $flag --locked -p estatekit-mobile
# 2. The Kotlin bindings, generated from the host build of the same crate (the
#    interface is read from the library's metadata, identical on every target).
cargo build $flag --locked -p estatekit-mobile
cargo build --release --locked -p uniffi-bindgen
host_lib=target/$profile/libestatekit_mobile.so
[[ -f $host_lib ]] || host_lib=target/$profile/libestatekit_mobile.dylib
rm -rf "$lib/kotlin" && mkdir -p "$lib/kotlin"
target/release/uniffi-bindgen generate --no-format --library "$host_lib" --language kotlin --out-dir "$lib/kotlin"
# 3. The hand-written Kotlin shipped beside them (java.time overloads).
cp -R bindings-mobile/kotlin/. "$lib/kotlin/"
echo "built: $(find "$lib/jniLibs" -name '*.so' | wc -l) native libraries, Kotlin in $lib/kotlin"
echo "next: (cd $here && ./gradlew :estatekit:assembleRelease)  -> estatekit/build/outputs/aar/"
