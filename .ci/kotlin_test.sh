#!/usr/bin/env bash
# Compile and run Kotlin tests against generated (UniFFI) Kotlin bindings.
#   .ci/kotlin_test.sh <generated_kotlin_dir> <test_kotlin_dir> <native_lib_dir> <work_dir>
# Compiles every *.kt under both dirs plus .ci/kotlin/TestRunner.kt and the hand-written
# extensions in bindings-mobile/kotlin/ into <work_dir>/tests.jar,
# then runs `java -Djna.library.path=<native_lib_dir> MainKt`.
# Convention: the test dir has a package-less Main.kt with `fun main() = runAllTests()` (every
# public `fun test…()` of every *Test.kt) or `fun main() = runTests("name" to ::fn, ...)`
# (override the class with KOTLIN_TEST_MAIN). Tests use kotlin.test assertions.
# Needs KOTLINC, KOTLIN_LIB, JNA_JAR (sources .ci/tools.sh if unset). Extra kotlinc flags: KOTLINC_FLAGS.
# Exits non-zero on compile failure or any failed test.
set -euo pipefail
[[ $# -eq 4 ]] || { echo "usage: $0 <generated_kotlin_dir> <test_kotlin_dir> <native_lib_dir> <work_dir>" >&2; exit 2; }
gen=$1 tests=$2 native=$(cd "$3" && pwd) work=$4
ci=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[[ -n ${KOTLINC:-} && -n ${KOTLIN_LIB:-} && -n ${JNA_JAR:-} ]] || source "$ci/tools.sh"

# bindings-mobile/kotlin: the hand-written Kotlin shipped beside the generated bindings.
ext=$ci/../bindings-mobile/kotlin
# examples/android/app-flow: the app-flow example, run by AppFlowTest.kt in child processes.
examples=$ci/../examples/android/app-flow
mapfile -t srcs < <(find "$gen" "$tests" "$ci/kotlin" "$ext" "$examples" -name '*.kt' | sort)
libs=$JNA_JAR:$KOTLIN_LIB/kotlin-test.jar:$KOTLIN_LIB/kotlinx-coroutines-core-jvm.jar
mkdir -p "$work"
echo "kotlinc: ${#srcs[@]} files -> $work/tests.jar" >&2
# shellcheck disable=SC2086
"$KOTLINC" ${KOTLINC_FLAGS:-} -jvm-target 17 -cp "$libs" -d "$work/tests.jar" "${srcs[@]}"
exec java -Djna.library.path="$native" -cp "$work/tests.jar:$libs:$KOTLIN_LIB/kotlin-stdlib.jar" "${KOTLIN_TEST_MAIN:-MainKt}"
