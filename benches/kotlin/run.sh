#!/usr/bin/env bash
# Per-call cost of the mobile binding on the JVM: builds the release library, generates
# the Kotlin bindings and runs benches/kotlin/CallCost.kt (see its header).
#   benches/kotlin/run.sh           (KOTLINC, KOTLIN_LIB, JNA_JAR from .ci/tools.sh if unset)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
tgt=${CARGO_TARGET_DIR:-target}
[[ -n ${KOTLINC:-} && -n ${KOTLIN_LIB:-} && -n ${JNA_JAR:-} ]] || source .ci/tools.sh
cargo build --release --locked -p estatekit-mobile
cargo build --release --locked -p uniffi-bindgen
rm -rf "$tgt/bindings-bench"
"$tgt/release/uniffi-bindgen" generate --no-format --library "$tgt/release/libestatekit_mobile.so" \
  --language kotlin --out-dir "$tgt/bindings-bench"
mapfile -t srcs < <(find "$tgt/bindings-bench" bindings-mobile/kotlin benches/kotlin -name '*.kt' | sort)
mkdir -p "$tgt/kotlin-bench"
# shellcheck disable=SC2086
"$KOTLINC" -nowarn -jvm-target 17 -cp "$JNA_JAR" -d "$tgt/kotlin-bench/bench.jar" "${srcs[@]}"
exec java -Djna.library.path="$tgt/release" -cp "$tgt/kotlin-bench/bench.jar:$JNA_JAR:$KOTLIN_LIB/kotlin-stdlib.jar" CallCostKt
